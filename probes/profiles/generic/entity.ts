import type { GenericCollector, ProfileContext, ProfileOutput } from '../types.js';
import type { Identity } from '../../types.js';
import { asNumber, asString } from '../../snmp/varbind.js';
import { byIndex } from '../nas/common.js';

/**
 * ENTITY-MIB (RFC 6933) chassis row → model, serial, firmware, maker. Many agents (QNAP, ESXi, FortiGate,
 * switches) fill it even when their private MIB says less. Only entPhysicalClass is walked (one varbind per
 * component, even on a 600-row ASA); the chassis row's six text columns are then read with one GET.
 */

const ENT = '1.3.6.1.2.1.47.1.1.1.1';
const CONTAINED_IN = 4;
const CLASS = 5;
const CHASSIS = 3;
const COL = { descr: 2, firmware: 9, software: 10, serial: 11, mfg: 12, model: 13 } as const;

/**
 * Agents pad or quote these strings oddly (QNAP's firmware is `"4.3.3` and `\4.3.3` on the wire); keep the
 * printable core and treat placeholder values as absent.
 */
export function cleanEntityText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.replace(/^[\s"'\\]+|[\s"'\\]+$/g, '');
  if (!t || /^(n\/?a|none|unknown|not specified|to be filled by o\.e\.m\.|default string|0+)$/i.test(t)) return undefined;
  return t;
}

export async function collectEntity(ctx: ProfileContext): Promise<ProfileOutput> {
  const [classes, parents] = await ctx.snmp.walkColumns([`${ENT}.${CLASS}`, `${ENT}.${CONTAINED_IN}`]);
  const indexOf = (oid: string) => oid.slice(oid.lastIndexOf('.') + 1);
  const roots = new Set((parents ?? []).filter((v) => asNumber(v.value) === 0).map((v) => indexOf(v.oid)));
  const rows = (classes ?? []).map((v) => ({ index: indexOf(v.oid), cls: asNumber(v.value) })).sort((a, b) => byIndex(a.index, b.index));
  const chassis = (rows.find((r) => r.cls === CHASSIS) ?? rows.find((r) => roots.has(r.index)))?.index;
  if (chassis === undefined) return { points: [] };

  const oid = (c: number) => `${ENT}.${c}.${chassis}`;
  const got = await ctx.snmp.get(Object.values(COL).map(oid));
  const text = (c: number) => cleanEntityText(asString(got.get(oid(c))?.value));

  const identity: Partial<Identity> = {
    model: text(COL.model) ?? text(COL.descr),
    serial: text(COL.serial),
    version: text(COL.software) ?? text(COL.firmware),
    vendor: text(COL.mfg),
  };
  for (const k of Object.keys(identity) as Array<keyof typeof identity>) if (identity[k] === undefined) delete identity[k];
  return { identity, points: [] };
}

/**
 * Identity only: the vendor profile's identity, merged after it, wins where both speak. Inventory: read every few
 * hours and after a restart, not every poll (InventoryState).
 */
export const entityCollector: GenericCollector = { id: 'entity', collect: collectEntity, inventory: true };

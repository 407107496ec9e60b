import type { GenericCollector, ProfileContext, ProfileOutput } from '../types.js';
import type { Point } from '../../types.js';
import { asNumber, toTable, type Varbind } from '../../snmp/varbind.js';
import { point, pushAll } from '../util.js';

/**
 * POWER-ETHERNET-MIB (RFC 3621), implemented by nearly every PoE switch whatever its vendor: per PSE group
 * (a stack member, usually) the power budget and what is drawn from it, and per port whether a device is being
 * powered. A phone or access point that drops off PoE shows up here before anyone notices it is dark.
 */

/** pethPsePortEntry (group.port): AdminEnable .3, DetectionStatus .6. */
const PSE_PORT_ENTRY = '1.3.6.1.2.1.105.1.1.1';
/** pethMainPseEntry (group): Power .2 (W), OperStatus .3, ConsumptionPower .4 (W). */
const MAIN_PSE_ENTRY = '1.3.6.1.2.1.105.1.3.1.1';

const DETECTION: Record<number, string> = { 1: 'disabled', 2: 'searching', 3: 'deliveringPower', 4: 'fault', 5: 'test', 6: 'otherFault' };
/** Only the fault states need a look: "searching" is an empty port, "disabled" a choice. */
const DETECTION_BAD = new Set([4, 6]);
const PSE_STATUS: Record<number, string> = { 1: 'on', 2: 'off', 3: 'faulty' };
const PSE_FAULTY = 3;
const ADMIN_DISABLED = 2;

export function poePoints(mainVbs: Varbind[], portVbs: Varbind[]): Point[] {
  const points: Point[] = [];
  for (const [group, row] of toTable(mainVbs, MAIN_PSE_ENTRY)) {
    const name = `PoE PSE ${group}`;
    const budget = asNumber(row.get(2)?.value);
    const used = asNumber(row.get(4)?.value);
    const status = asNumber(row.get(3)?.value);
    pushAll(
      points,
      point('sensor', { class: 'power', name: `${name} budget` }, { value: budget }),
      point('sensor', { class: 'power', name: `${name} used` }, { value: used }),
      point('sensor', { class: 'power', name: `${name} available` }, { value: budget !== undefined && used !== undefined ? Math.max(0, budget - used) : undefined }),
      point('sensor', { class: 'psu', name }, {
        state: status === undefined ? undefined : PSE_STATUS[status] ?? String(status),
        ok: status === undefined ? undefined : status !== PSE_FAULTY,
      }),
    );
  }
  for (const [index, row] of toTable(portVbs, PSE_PORT_ENTRY)) {
    const detection = asNumber(row.get(6)?.value);
    // A port with PoE switched off says nothing about power; skipping it keeps 48-port stacks lean.
    if (detection === undefined || asNumber(row.get(3)?.value) === ADMIN_DISABLED) continue;
    pushAll(
      points,
      point('sensor', { class: 'poe', name: `PoE port ${index.replace('.', '/')}` }, {
        state: DETECTION[detection] ?? String(detection),
        ok: !DETECTION_BAD.has(detection),
        value: detection === 3 ? 1 : 0,
      }),
    );
  }
  return points;
}

export const poeCollector: GenericCollector = {
  id: 'poe',
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const mainVbs = await ctx.snmp.walk(MAIN_PSE_ENTRY);
    // No PSE, no PoE: one empty walk is all a non-PoE device costs.
    if (!mainVbs.length) return { points: [] };
    // Only the two port columns in use are walked (in one GETBULK stream), not the counters.
    const [admin = [], detection = []] = await ctx.snmp.walkColumns([`${PSE_PORT_ENTRY}.3`, `${PSE_PORT_ENTRY}.6`]);
    return { points: poePoints(mainVbs, [...admin, ...detection]) };
  },
};

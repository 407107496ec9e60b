import type { Point } from '../types.js';
import type { SnmpClient, Varbind } from './varbind.js';
import { asCounter, asNumber, asString } from './varbind.js';
import type { CounterState } from './counters.js';

const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';

/** The IF-MIB columns we read, and nothing else: ifPhysAddress, ifMtu, ifLastChange… cost varbinds for no alert. */
const COLUMNS = {
  ifDescr: `${IF}.2`,
  ifType: `${IF}.3`,
  ifSpeed: `${IF}.5`,
  ifAdminStatus: `${IF}.7`,
  ifOperStatus: `${IF}.8`,
  ifInOctets: `${IF}.10`,
  ifInDiscards: `${IF}.13`,
  ifInErrors: `${IF}.14`,
  ifOutOctets: `${IF}.16`,
  ifOutDiscards: `${IF}.19`,
  ifOutErrors: `${IF}.20`,
} as const;
const XCOLUMNS = {
  ifName: `${IFX}.1`,
  ifHCInOctets: `${IFX}.6`,
  ifHCOutOctets: `${IFX}.10`,
  ifHighSpeed: `${IFX}.15`,
  ifAlias: `${IFX}.18`,
  ifCounterDiscontinuityTime: `${IFX}.19`,
} as const;

type Col = keyof typeof COLUMNS | keyof typeof XCOLUMNS;

export interface InterfaceOptions {
  counters: CounterState;
  now: number;
  /** Longest plausible gap between two polls before a delta is considered ambiguous. */
  maxGapMs: number;
  maxRepetitions?: number;
}

export interface InterfaceRow {
  ifIndex: string;
  values: Partial<Record<Col, Varbind>>;
}

/** Walk ifTable and ifXTable columns (each table in one multi-column bulk walk) and join them by ifIndex. */
export async function readInterfaces(snmp: SnmpClient, maxRepetitions?: number): Promise<InterfaceRow[]> {
  const names = Object.keys(COLUMNS) as Array<keyof typeof COLUMNS>;
  const base = await snmp.walkColumns(names.map((n) => COLUMNS[n]), { maxRepetitions });
  const rows = new Map<string, InterfaceRow>();
  const add = (col: Col, prefix: string, vbs: Varbind[]) => {
    for (const vb of vbs) {
      const idx = vb.oid.slice(prefix.length + 1);
      let row = rows.get(idx);
      if (!row) rows.set(idx, (row = { ifIndex: idx, values: {} }));
      row.values[col] = vb;
    }
  };
  names.forEach((n, i) => add(n, COLUMNS[n], base[i] ?? []));
  if (rows.size === 0) return [];
  // ifXTable only where ifTable answered: agents without it (v1-era) would just return nothing.
  const xnames = Object.keys(XCOLUMNS) as Array<keyof typeof XCOLUMNS>;
  const ext = await snmp.walkColumns(xnames.map((n) => XCOLUMNS[n]), { maxRepetitions });
  xnames.forEach((n, i) => add(n, XCOLUMNS[n], ext[i] ?? []));
  return [...rows.values()].sort((a, b) => Number(a.ifIndex) - Number(b.ifIndex));
}

/** Prefer the 64-bit HC counter when the agent has it; report which one was used so rates know the wrap size. */
function pick(row: InterfaceRow, hc: Col, low: Col): { value: bigint; bits: 32 | 64 } | undefined {
  const h = asCounter(row.values[hc]?.value);
  if (h !== undefined) return { value: h, bits: 64 };
  const l = asCounter(row.values[low]?.value);
  return l !== undefined ? { value: l, bits: 32 } : undefined;
}

/**
 * Interface points: raw counters as integers plus rates. Utilisation is against ifHighSpeed (Mb/s) when
 * present because ifSpeed saturates at 4.29 Gb/s.
 */
export function interfacePoints(rows: InterfaceRow[], opts: InterfaceOptions): Point[] {
  const points: Point[] = [];
  const keep = new Set<string>();
  for (const row of rows) {
    const v = row.values;
    const ifName = asString(v.ifName?.value) || asString(v.ifDescr?.value) || `if${row.ifIndex}`;
    const highSpeed = asNumber(v.ifHighSpeed?.value);
    const speed = highSpeed && highSpeed > 0 ? highSpeed * 1_000_000 : asNumber(v.ifSpeed?.value);
    const epoch = opts.counters.generation * 1e12 + (asNumber(v.ifCounterDiscontinuityTime?.value) ?? 0);
    const fields: Point['fields'] = {};
    const admin = asNumber(v.ifAdminStatus?.value);
    const oper = asNumber(v.ifOperStatus?.value);
    if (admin !== undefined) fields.admin_up = admin === 1;
    // oper 5 = dormant and 7 = lowerLayerDown are "not passing traffic"; only 1 is up.
    if (oper !== undefined) fields.oper_up = oper === 1;
    if (speed !== undefined) fields.speed_bps = Math.round(speed);
    const alias = asString(v.ifAlias?.value);
    if (alias) fields.alias = alias;
    const maxOctetRate = speed && speed > 0 ? speed / 8 : undefined;

    const rate = (name: string, c: { value: bigint; bits: 32 | 64 } | undefined, maxRate?: number) => {
      if (!c) return undefined;
      const key = `${row.ifIndex}:${name}`;
      keep.add(key);
      return opts.counters.rate(key, { value: c.value, time: opts.now, epoch }, { bits: c.bits, maxGapMs: opts.maxGapMs, maxRate });
    };
    const inO = pick(row, 'ifHCInOctets', 'ifInOctets');
    const outO = pick(row, 'ifHCOutOctets', 'ifOutOctets');
    if (inO) fields.in_octets = Number(inO.value);
    if (outO) fields.out_octets = Number(outO.value);
    const inRate = rate('in', inO, maxOctetRate);
    const outRate = rate('out', outO, maxOctetRate);
    if (inRate !== undefined) fields.in_bps = round(inRate * 8);
    if (outRate !== undefined) fields.out_bps = round(outRate * 8);
    if (speed && speed > 0) {
      if (inRate !== undefined) fields.util_in_pct = round(((inRate * 8) / speed) * 100);
      if (outRate !== undefined) fields.util_out_pct = round(((outRate * 8) / speed) * 100);
    }
    for (const [col, field] of [
      ['ifInErrors', 'in_errors'],
      ['ifOutErrors', 'out_errors'],
      ['ifInDiscards', 'in_discards'],
      ['ifOutDiscards', 'out_discards'],
    ] as const) {
      const c = asCounter(v[col]?.value);
      if (c === undefined) continue;
      fields[field] = Number(c);
      // Error counters are Counter32: a packet rate can never exceed the octet rate, which bounds them.
      const r = rate(field, { value: c, bits: 32 }, maxOctetRate);
      if (r !== undefined) fields[`${field}_ps`] = round(r);
    }
    if (Object.keys(fields).length === 0) continue;
    points.push({ measurement: 'interface', tags: { ifName, ifIndex: row.ifIndex }, fields });
  }
  opts.counters.retain(keep);
  return points;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

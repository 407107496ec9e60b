/**
 * The SNMP client contract every profile and the generic collector read through. Two implementations:
 * `session.ts` (real UDP over net-snmp) and `recording.ts` (an .snmprec file in memory, for fast unit tests
 * of parsers; the integration tier uses snmpsim over real UDP).
 */

/** ASN.1/SNMP type tags as on the wire (and as in .snmprec files). */
export const SnmpType = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

/** Counter64 is a bigint (it can exceed 2^53); every other numeric type is a number; strings stay bytes. */
export type SnmpValue = number | bigint | string | Buffer | null;

export interface Varbind {
  oid: string;
  type: number;
  value: SnmpValue;
}

export interface WalkOptions {
  /** GETBULK max-repetitions; ignored for SNMPv1, which walks with GETNEXT. */
  maxRepetitions?: number;
  /** Stop after this many varbinds: a broken agent that loops must not walk forever. */
  maxVarbinds?: number;
}

export interface SnmpClient {
  /** Values for exact OIDs; missing ones (noSuchObject/noSuchInstance) are absent from the map. */
  get(oids: string[]): Promise<Map<string, Varbind>>;
  /** Every varbind under `base`, in OID order. */
  walk(base: string, opts?: WalkOptions): Promise<Varbind[]>;
  /**
   * Walk several columns of one table together: one GETBULK carries every column, so a 48-port ifTable costs a
   * handful of round trips instead of one walk per column. Result i holds the varbinds under bases[i].
   */
  walkColumns(bases: string[], opts?: WalkOptions): Promise<Varbind[][]>;
  /** How many varbinds this client has received so far (benchmarks and self-health). */
  readonly varbindCount: number;
  close(): void;
}

/** True for the exception types an agent answers with instead of a value. */
export function isException(type: number): boolean {
  return type === SnmpType.NoSuchObject || type === SnmpType.NoSuchInstance || type === SnmpType.EndOfMibView;
}

/** Compare dotted OIDs numerically (string compare puts .10 before .9). */
export function compareOid(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

/** True when `oid` lies strictly below `base` in the tree. */
export function isUnder(oid: string, base: string): boolean {
  return oid.length > base.length && oid.startsWith(base) && oid.charCodeAt(base.length) === 46; /* '.' */
}

const PRINTABLE = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/;

/**
 * Decode an OctetString for humans. Agents put text, binary MACs and hex-encoded text in the same type;
 * some (Cisco IOS sysDescr in the recordings) even hex-encode plain text. Trailing NULs are trimmed because
 * several embedded agents pad fixed-size buffers with them.
 */
export function asString(v: SnmpValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = v.toString('utf8').replace(/\0+$/, '');
  if (PRINTABLE.test(s)) return s;
  return v.toString('hex').replace(/(..)(?!$)/g, '$1:');
}

/** Numeric value of an integer-like varbind; also parses numbers that agents send as strings ("42.5"). */
export function asNumber(v: SnmpValue | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  const s = typeof v === 'string' ? v : v.toString('utf8').replace(/\0+$/, '');
  const m = /^\s*([-+]?\d+(?:\.\d+)?)/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** Raw counter value (bigint for exactness across Counter64). */
export function asCounter(v: SnmpValue | undefined): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  return undefined;
}

/** Rows of a table walk, keyed by row index, then column number: `rows.get('3')?.get(10)`. */
export type TableRows = Map<string, Map<number, Varbind>>;

/** Group a walk of `tableEntryOid` (e.g. ifEntry 1.3.6.1.2.1.2.2.1) into rows by index. */
export function toTable(varbinds: Varbind[], entryOid: string): TableRows {
  const rows: TableRows = new Map();
  const prefix = entryOid + '.';
  for (const vb of varbinds) {
    if (!vb.oid.startsWith(prefix)) continue;
    const rest = vb.oid.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const col = Number(rest.slice(0, dot));
    const index = rest.slice(dot + 1);
    let row = rows.get(index);
    if (!row) rows.set(index, (row = new Map()));
    row.set(col, vb);
  }
  return rows;
}

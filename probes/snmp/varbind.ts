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
  /**
   * Clients that can be kept across polls (session.ts) bind themselves to one poll's abort signal at a time and
   * return the detach function; clients without it are opened and closed per poll.
   */
  attach?(signal: AbortSignal): () => void;
  /** False when a kept client must not serve another poll (closed, or its socket reported an error). */
  readonly reusable?: boolean;
}

/** True for the exception types an agent answers with instead of a value. */
export function isException(type: number): boolean {
  return type === SnmpType.NoSuchObject || type === SnmpType.NoSuchInstance || type === SnmpType.EndOfMibView;
}

/**
 * Compare dotted OIDs numerically (string compare puts .10 before .9). Runs once per walked varbind, so it scans
 * the strings in place instead of splitting them: the common prefix is skipped, then the differing arcs compared.
 */
export function compareOid(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  let arc = 0; // start of the current arc in both strings (they are equal up to i)
  while (i < n) {
    const ca = a.charCodeAt(i);
    if (ca !== b.charCodeAt(i)) break;
    i++;
    if (ca === 46) arc = i;
  }
  if (i === a.length && i === b.length) return 0;
  // Differing arcs from `arc`: the numerically larger one has more digits, or the same digits and a larger byte.
  const endA = arcEnd(a, arc);
  const endB = arcEnd(b, arc);
  if (endA - arc !== endB - arc) {
    // An exhausted string (a prefix of the other at an arc boundary) sorts first.
    if (endA === arc) return -1;
    if (endB === arc) return 1;
    return Number(a.slice(arc, endA)) - Number(b.slice(arc, endB));
  }
  if (i < endA) return a.charCodeAt(i) - b.charCodeAt(i);
  // Same arc: one OID is a prefix of the other.
  return a.length - b.length;
}

function arcEnd(s: string, from: number): number {
  const dot = s.indexOf('.', from);
  return dot < 0 ? s.length : dot;
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

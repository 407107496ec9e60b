import type { ProfileContext } from './types.js';
import type { Point, FieldValue } from '../types.js';
import { type TableRows, type Varbind, asNumber, asString, toTable } from '../snmp/varbind.js';

/**
 * Small helpers shared by every profile, so each vendor file reads as a list of OIDs and what they mean.
 * All of them swallow "no such object": an absent OID is simply an absent field.
 */

/** GET scalars by name: `scalars(ctx, { charge: '1.3.6…2.3.1.0' })` → `{ charge: Varbind | undefined }`. */
export async function scalars<K extends string>(ctx: ProfileContext, oids: Record<K, string>): Promise<Record<K, Varbind | undefined>> {
  const names = Object.keys(oids) as K[];
  const got = await ctx.snmp.get(names.map((n) => oids[n]));
  const out = {} as Record<K, Varbind | undefined>;
  for (const n of names) out[n] = got.get(oids[n]);
  return out;
}

/** Walk a table entry OID and group by row index. */
export async function table(ctx: ProfileContext, entryOid: string): Promise<TableRows> {
  return toTable(await ctx.snmp.walk(entryOid), entryOid);
}

/** Number from a varbind, scaled (`divisor` 10 turns tenths into units); undefined when absent or not numeric. */
export function num(vb: Varbind | undefined, divisor = 1): number | undefined {
  const n = asNumber(vb?.value);
  if (n === undefined) return undefined;
  return divisor === 1 ? n : round(n / divisor);
}

export function str(vb: Varbind | undefined): string | undefined {
  const s = asString(vb?.value)?.trim();
  return s ? s : undefined;
}

/** Round to 3 decimals so float noise from scaling (0.1*3) never reaches storage. */
export function round(n: number, places = 3): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

/** Build a point, dropping undefined fields; returns undefined when no field is left (nothing to store). */
export function point(measurement: string, tags: Record<string, string>, fields: Record<string, FieldValue | undefined>): Point | undefined {
  const clean: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    clean[k] = v;
  }
  return Object.keys(clean).length ? { measurement, tags, fields: clean } : undefined;
}

/** Push only defined points. */
export function pushAll(into: Point[], ...pts: Array<Point | undefined>): void {
  for (const p of pts) if (p) into.push(p);
}

/** `true` when sysObjectID is `prefix` or below it. */
export function oidUnder(sysObjectID: string, prefix: string): boolean {
  return sysObjectID === prefix || sysObjectID.startsWith(prefix + '.');
}

/**
 * Parse the many date formats MIBs use for licence expiry and battery dates (`MM/DD/YYYY`, `YYYY-MM-DD`,
 * `DD.MM.YYYY`, `Mon DD YYYY`, DateAndTime octets). Returns unix seconds (UTC midnight) or undefined.
 */
export function parseDate(v: string | Buffer | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (Buffer.isBuffer(v) && (v.length === 8 || v.length === 11) && !/^[\x20-\x7e]+$/.test(v.toString('latin1'))) {
    // SNMPv2-TC DateAndTime: year(2) month day hour min sec
    const y = v.readUInt16BE(0);
    return Date.UTC(y, v[2]! - 1, v[3]!, v[4]!, v[5]!, v[6]!) / 1000;
  }
  const s = (Buffer.isBuffer(v) ? v.toString('utf8') : v).trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(s);
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) / 1000;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})/.exec(s); // US MM/DD/YYYY (APC, Eaton)
  if (m) return Date.UTC(year(m[3]!), +m[1]! - 1, +m[2]!) / 1000;
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})/.exec(s); // European DD.MM.YYYY
  if (m) return Date.UTC(+m[3]!, +m[2]! - 1, +m[1]!) / 1000;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
}

function year(y: string): number {
  const n = Number(y);
  return n < 100 ? 2000 + n : n;
}

/** Days from `now` (ms) to `expiresAt` (unix s), rounded down; negative once expired. */
export function daysLeft(expiresAt: number, now: number): number {
  return Math.floor((expiresAt * 1000 - now) / 86_400_000);
}

/**
 * GET many OIDs in PDUs of `size`: one huge GET risks tooBig on small agents, one GET per OID costs round trips.
 */
export async function getChunked(ctx: ProfileContext, oids: string[], size = 40): Promise<Map<string, Varbind>> {
  const out = new Map<string, Varbind>();
  for (let i = 0; i < oids.length; i += size) {
    const got = await ctx.snmp.get(oids.slice(i, i + size));
    for (const [k, v] of got) out.set(k, v);
  }
  return out;
}

/** Rows of several walked columns keyed by index: `cols.get(index)?.get(col)`. Walks them in one GETBULK stream. */
export async function walkColumns(ctx: ProfileContext, entry: string, cols: number[]): Promise<Map<string, Map<number, Varbind>>> {
  const bases = cols.map((c) => `${entry}.${c}`);
  const res = await ctx.snmp.walkColumns(bases);
  const rows = new Map<string, Map<number, Varbind>>();
  res.forEach((vbs, i) => {
    const base = bases[i]! + '.';
    for (const vb of vbs) {
      if (!vb.oid.startsWith(base)) continue;
      const idx = vb.oid.slice(base.length);
      let row = rows.get(idx);
      if (!row) rows.set(idx, (row = new Map()));
      row.set(cols[i]!, vb);
    }
  });
  return rows;
}

/** Numeric sort of row indexes so "Disk 10" does not come before "Disk 2". */
export function byIndex(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return pa.length - pb.length;
}

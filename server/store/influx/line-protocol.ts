import type { FieldValue, Point } from '../../../probes/types.js';
import { fieldType, type FieldType } from '../../../probes/measurements.js';

/**
 * The one place that turns a Point into InfluxDB line protocol (STYLE.md 9). Lines are encoded once, when a
 * point enters the outbox, so the bytes that are acknowledged are exactly the bytes that are later sent:
 * a replay after an outage carries the original timestamp and the original field types.
 *
 * Escaping follows the InfluxDB 1.x/2.x parser, checked against a real influxd 1.6 in
 * test/integration/influx.test.ts:
 * - measurement: comma and space; tag keys, tag values and field keys: comma, space and equals sign.
 * - a backslash is literal unless it precedes one of those characters. A backslash that directly precedes
 *   one, or ends a name, has no encoding that every element of the 1.x parser reads back the same way (a
 *   trailing one cannot be written at all: influxdata/telegraf#3004), so such backslashes are removed:
 *   `C:\` becomes `C:`, rather than a line the server refuses or a name that silently changes.
 * - newline, carriage return, tab and form feed cannot appear in names (a newline ends the line): they are
 *   written as the two characters `\n`, `\r`, `\t`, `\f`, as Telegraf does.
 * - string field values: double quote and backslash. Newlines inside a quoted string are legal and kept.
 */

const CONTROL: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' };

/** Any character that escaping could change. Almost no name has one, so most names skip the three replaces. */
const NEEDS_ESCAPE = /[\n\r\t\f\\, =]/;

function escapeName(s: string, special: RegExp, ambiguous: RegExp): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\n\r\t\f]/g, (c) => CONTROL[c] ?? c).replace(ambiguous, '').replace(special, '\\$&');
}

export function escapeMeasurement(s: string): string {
  return escapeName(s, /[, ]/g, /\\+(?=[, ]|$)/g);
}

/** Tag keys, tag values and field keys share one rule. */
export function escapeKey(s: string): string {
  return escapeName(s, /[,= ]/g, /\\+(?=[,= ]|$)/g);
}

export function escapeStringValue(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

const INT64_MAX = 9223372036854775807;

/**
 * Encode one field value by its declared type, so a field never changes type between polls (InfluxDB
 * refuses a point whose field type differs from what the shard already holds). Returns undefined when the
 * value cannot be written under its declared type; the caller then leaves the field out, which is how
 * Outpost represents "no reading" everywhere.
 */
export function encodeFieldValue(type: FieldType | undefined, value: FieldValue): string | undefined {
  const t = type ?? (typeof value === 'number' ? 'float' : typeof value === 'boolean' ? 'bool' : 'string');
  switch (t) {
    case 'int': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      const n = Math.round(value);
      // Counters may exceed 2^53 in theory; past int64 there is no faithful integer to write.
      if (n > INT64_MAX || n < -INT64_MAX) return undefined;
      // String() is exact up to 2^53 and allocates no BigInt; past it, it would print an exponent.
      return Number.isSafeInteger(n) ? `${n}i` : `${BigInt(n).toString()}i`;
    }
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      // A bare number without `i` is a float in line protocol, so an integral float like `1` stays a float.
      return String(value);
    case 'bool':
      return typeof value === 'boolean' ? (value ? 'true' : 'false') : undefined;
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? `"${escapeStringValue(String(value))}"`
        : undefined;
  }
}

export interface EncodeProblem {
  /** The point's measurement, or '' when it had none. */
  measurement: string;
  field?: string;
  reason: string;
}

/**
 * One point → one line (milliseconds precision), or undefined when nothing of it is writable (no
 * measurement, or no field survived typing). Skipped fields and points are reported through `problems` so
 * the caller can log them: a typing mistake in a profile shows up in the log, not as a rejected batch.
 */
export function toLine(point: Point, defaultTime: number, problems?: EncodeProblem[]): string | undefined {
  const measurement = escapeMeasurement(point.measurement);
  if (!measurement) {
    problems?.push({ measurement: point.measurement, reason: 'empty measurement name' });
    return undefined;
  }
  // Parts joined once at the end: `+=` builds a rope per line that is flattened later, and that garbage made
  // encoding the writer's largest cost after fsync in `npm run bench` (3× slower than join on 100k points).
  const parts: string[] = [measurement];
  // InfluxDB sorts tags itself, but sending them sorted saves it the work on every point.
  for (const key of Object.keys(point.tags).sort()) {
    const k = escapeKey(key);
    const v = escapeKey(point.tags[key] ?? '');
    // Empty tag values are not allowed by line protocol: an absent tag is the correct representation.
    if (k && v) parts.push(',', k, '=', v);
  }
  parts.push(' ');
  const beforeFields = parts.length;
  // for…in rather than Object.entries: no [key, value] array per field, on the writer's hottest loop.
  for (const key in point.fields) {
    if (!Object.hasOwn(point.fields, key)) continue;
    const value = point.fields[key];
    const k = escapeKey(key);
    const encoded = value === undefined || value === null ? undefined : encodeFieldValue(fieldType(point.measurement, key), value);
    if (!k || encoded === undefined) {
      problems?.push({ measurement: point.measurement, field: key, reason: k ? `value ${JSON.stringify(value)} does not fit type ${fieldType(point.measurement, key) ?? typeof value}` : 'empty field key' });
      continue;
    }
    if (parts.length > beforeFields) parts.push(',');
    parts.push(k, '=', encoded);
  }
  if (parts.length === beforeFields) {
    problems?.push({ measurement: point.measurement, reason: 'no writable field' });
    return undefined;
  }
  parts.push(' ', String(Math.round(point.time ?? defaultTime)));
  return parts.join('');
}

/** The parts of a line the partial-write handling needs: measurement and each field's key and type. */
export interface ParsedLine {
  measurement: string;
  fields: Map<string, 'integer' | 'float' | 'string' | 'boolean'>;
}

function unescapeName(s: string): string {
  return s.replace(/\\([,= ])/g, '$1');
}

/**
 * A small reader for the lines this module writes, used to find which lines a server's "field type
 * conflict" message refers to. Not a general parser: it trusts the shape toLine produces.
 */
export function parseLine(line: string): ParsedLine | undefined {
  let i = 0;
  const n = line.length;
  // Measurement and tag set end at the first unescaped space.
  while (i < n && !(line[i] === ' ' && line[i - 1] !== '\\')) i++;
  const key = line.slice(0, i);
  let m = 0;
  while (m < key.length && !(key[m] === ',' && key[m - 1] !== '\\')) m++;
  const measurement = unescapeName(key.slice(0, m));
  const fields = new Map<string, 'integer' | 'float' | 'string' | 'boolean'>();
  i++;
  while (i < n) {
    const start = i;
    while (i < n && !(line[i] === '=' && line[i - 1] !== '\\')) i++;
    if (i >= n) return undefined;
    const name = unescapeName(line.slice(start, i));
    i++;
    let type: 'integer' | 'float' | 'string' | 'boolean';
    if (line[i] === '"') {
      type = 'string';
      i++;
      while (i < n && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      i++;
    } else {
      const vs = i;
      while (i < n && line[i] !== ',' && line[i] !== ' ') i++;
      const raw = line.slice(vs, i);
      type = /^-?\d+i$/.test(raw) ? 'integer' : /^(t|true|f|false)$/i.test(raw) ? 'boolean' : 'float';
    }
    fields.set(name, type);
    if (line[i] === ' ' || i >= n) break;
    i++;
  }
  return { measurement, fields };
}

import type { GenericCollector, ProfileContext, ProfileOutput } from '../types.js';
import type { Point } from '../../types.js';
import { asNumber } from '../../snmp/varbind.js';
import { getChunked, walkColumns } from '../nas/common.js';
import { point, pushAll, round, str } from '../util.js';

/**
 * ENTITY-SENSOR-MIB (RFC 3433): the standard sensor table of Cisco, Aruba CX, Juniper, Arista, FortiGate and many
 * switches. Each row is an entPhysicalIndex, so names come from ENTITY-MIB (entPhysicalName, else Descr), fetched
 * by GET for just the sensor rows rather than by walking the whole physical table.
 */

const SENSOR_ENTRY = '1.3.6.1.2.1.99.1.1.1';
const ENT_PHYSICAL_ENTRY = '1.3.6.1.2.1.47.1.1.1.1';
const ENT_DESCR = 2;
const ENT_NAME = 7;

/** EntitySensorDataType → our sensor class. */
const CLASS_BY_TYPE: Record<number, string> = {
  1: 'other',
  2: 'other',
  3: 'voltage',
  4: 'voltage',
  5: 'current',
  6: 'power',
  7: 'frequency',
  8: 'temperature',
  9: 'humidity',
  10: 'fan',
  11: 'airflow',
  12: 'state',
};
const TYPE_TRUTHVALUE = 12;
const STATUS: Record<number, string> = { 1: 'ok', 2: 'unavailable', 3: 'nonoperational' };
const STATUS_OK = 1;
/** EntitySensorValue's out-of-band markers. */
const UNDERFLOW = -1_000_000_000;
const OVERFLOW = 1_000_000_000;

/**
 * Value in the type's base unit. EntitySensorDataScale is an SI prefix, yocto(1)…yotta(17), units(9) = 10^0, each
 * step a factor of 1000 (RFC 3433 swaps the names exa/peta but keeps the exponents in order). A positive
 * EntitySensorPrecision counts the fractional digits; zero or negative ("accurate digits") leaves the value as is.
 */
export function scaleSensorValue(raw: number, scale: number | undefined, precision: number | undefined): number {
  const exp = scale !== undefined && scale >= 1 && scale <= 17 ? (scale - 9) * 3 : 0;
  const frac = precision !== undefined && precision > 0 && precision <= 9 ? precision : 0;
  const v = raw * 10 ** (exp - frac);
  // Keep enough decimals for milli-scaled readings while removing float noise such as 0.1 * 3.
  return round(v, Math.max(3, frac - exp));
}

/**
 * Optics report their own temperatures; they are not the chassis's. Names are the only portable hint
 * (transceiver entities hang under ports, which would need the containment tree to prove).
 */
const NOT_CHASSIS = /transceiver|\bsfp|qsfp|xcvr|optic|\blane\b|\bdom\b|\b(?:gi|te|fo|hu|et|xe|ge)[a-z-]*\d+(?:\/\d+)+/i;

export interface EntitySensor {
  index: string;
  class: string;
  name: string;
  value?: number;
  status?: number;
}

export function entitySensorPoints(sensors: EntitySensor[]): { points: Point[]; temp_c?: number } {
  const points: Point[] = [];
  let hottest: number | undefined;
  for (const s of sensors) {
    const fields: Record<string, number | string | boolean | undefined> = {
      value: s.value,
      state: s.status === undefined ? undefined : STATUS[s.status] ?? String(s.status),
      ok: s.status === undefined ? undefined : s.status === STATUS_OK,
    };
    pushAll(points, point('sensor', { class: s.class, name: s.name }, fields));
    if (s.class === 'temperature' && s.value !== undefined && s.status === STATUS_OK && !NOT_CHASSIS.test(s.name)) {
      hottest = hottest === undefined ? s.value : Math.max(hottest, s.value);
    }
  }
  return { points, temp_c: hottest };
}

async function readSensors(ctx: ProfileContext): Promise<EntitySensor[]> {
  // Type, scale, precision, value, status in one GETBULK stream; the text and timestamp columns are not needed.
  const rows = await walkColumns(ctx, SENSOR_ENTRY, [1, 2, 3, 4, 5]);
  if (!rows.size) return [];
  const indices = [...rows.keys()];
  const names = await getChunked(ctx, indices.map((i) => `${ENT_PHYSICAL_ENTRY}.${ENT_NAME}.${i}`));
  const unnamed = indices.filter((i) => !str(names.get(`${ENT_PHYSICAL_ENTRY}.${ENT_NAME}.${i}`)));
  if (unnamed.length) for (const [k, v] of await getChunked(ctx, unnamed.map((i) => `${ENT_PHYSICAL_ENTRY}.${ENT_DESCR}.${i}`))) names.set(k, v);

  const out: EntitySensor[] = [];
  const seen = new Map<string, number>();
  for (const index of indices) {
    const row = rows.get(index)!;
    const type = asNumber(row.get(1)?.value);
    const raw = asNumber(row.get(4)?.value);
    const status = asNumber(row.get(5)?.value);
    const cls = (type !== undefined && CLASS_BY_TYPE[type]) || 'other';
    let name = str(names.get(`${ENT_PHYSICAL_ENTRY}.${ENT_NAME}.${index}`)) ?? str(names.get(`${ENT_PHYSICAL_ENTRY}.${ENT_DESCR}.${index}`)) ?? `Sensor ${index}`;
    // Two sensors called "Temp" would overwrite each other's series: the second gets its index appended.
    const key = `${cls}\0${name}`;
    if (seen.has(key)) name = `${name} ${index}`;
    seen.set(key, 1);

    let value: number | undefined;
    // A reading is only as good as its status: unavailable/nonoperational rows hold stale or invalid numbers.
    if (raw !== undefined && raw !== UNDERFLOW && raw !== OVERFLOW && (status === undefined || status === STATUS_OK)) {
      value = type === TYPE_TRUTHVALUE ? raw : scaleSensorValue(raw, asNumber(row.get(2)?.value), asNumber(row.get(3)?.value));
    }
    out.push({ index, class: cls, name, value, status });
  }
  return out;
}

export const entitySensorCollector: GenericCollector = {
  id: 'entity-sensor',
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const { points, temp_c } = entitySensorPoints(await readSensors(ctx));
    pushAll(points, temp_c === undefined ? undefined : point('system', {}, { temp_c }));
    return { points };
  },
};


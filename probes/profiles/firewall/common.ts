import type { Point } from '../../types.js';
import type { ProfileContext } from '../types.js';
import { type Varbind, asString } from '../../snmp/varbind.js';
import { daysLeft, num, parseDate, point, round, scalars } from '../util.js';

/**
 * Helpers shared by the firewall family only. Scores follow probes/profiles/types.ts: a vendor's own
 * sysObjectID is certain; a product name in sysDescr on a generic OS agent (net-snmp, bsnmpd) is nearly as
 * good and must beat any "Linux/FreeBSD server" guess made from the same sysDescr; a vaguer pattern is 50.
 */
export const SCORE = { exact: 100, product: 90, descr: 50, weak: 40 } as const;

/** Agents that say only "FreeBSD/Linux": the OS, not the product, so sysDescr must name the product. */
export const NETSNMP_LINUX = '1.3.6.1.4.1.8072.3.2.10';
export const NETSNMP_FREEBSD = '1.3.6.1.4.1.8072.3.2.8';
export const BSNMPD_FREEBSD = '1.3.6.1.4.1.12325.1.1.2.1.1';

export function enterprise(sysObjectID: string): number | undefined {
  const m = /^1\.3\.6\.1\.4\.1\.(\d+)(?:\.|$)/.exec(sysObjectID);
  return m ? Number(m[1]) : undefined;
}

/** ENTITY-MIB chassis row: several vendors keep model and serial only there. */
export const ENT = {
  name1: '1.3.6.1.2.1.47.1.1.1.1.7.1',
  serial1: '1.3.6.1.2.1.47.1.1.1.1.11.1',
  model1: '1.3.6.1.2.1.47.1.1.1.1.13.1',
} as const;

const HR_PROCESSOR_LOAD = '1.3.6.1.2.1.25.3.3.1.2';

/** Mean hrProcessorLoad over all cores: the one CPU figure RouterOS, DrayTek and SFOS agents give. */
export async function hrCpuPct(ctx: ProfileContext): Promise<number | undefined> {
  const loads = (await ctx.snmp.walk(HR_PROCESSOR_LOAD)).map((vb) => num(vb)).filter((n): n is number => n !== undefined);
  if (!loads.length) return undefined;
  return round(loads.reduce((a, b) => a + b, 0) / loads.length);
}

/** UCD-SNMP-MIB, as net-snmp and bsnmp-ucd (pfSense) expose it. */
export const UCD = {
  cpuIdle: '1.3.6.1.4.1.2021.11.11.0',
  memTotalReal: '1.3.6.1.4.1.2021.4.5.0',
  memAvailReal: '1.3.6.1.4.1.2021.4.6.0',
  memBuffer: '1.3.6.1.4.1.2021.4.14.0',
  memCached: '1.3.6.1.4.1.2021.4.15.0',
} as const;

/**
 * CPU and memory from UCD values. Buffers and cache are reclaimable, so they do not count as used: a router
 * whose page cache fills RAM is healthy, and counting it would page a tech for nothing.
 */
export function ucdSystem(v: Record<keyof typeof UCD, Varbind | undefined>): { cpu_pct?: number; mem_used_pct?: number; mem_total_bytes?: number } {
  const idle = num(v.cpuIdle);
  const totalKb = num(v.memTotalReal);
  const availKb = num(v.memAvailReal);
  const out: { cpu_pct?: number; mem_used_pct?: number; mem_total_bytes?: number } = {};
  if (idle !== undefined && idle >= 0 && idle <= 100) out.cpu_pct = 100 - idle;
  if (totalKb !== undefined && totalKb > 0) {
    out.mem_total_bytes = totalKb * 1024;
    if (availKb !== undefined) {
      const used = totalKb - availKb - (num(v.memBuffer) ?? 0) - (num(v.memCached) ?? 0);
      out.mem_used_pct = round((Math.max(0, used) / totalKb) * 100);
    }
  }
  return out;
}

export async function readUcd(ctx: ProfileContext): Promise<ReturnType<typeof ucdSystem>> {
  return ucdSystem(await scalars(ctx, UCD));
}

/** Integer fields must stay integers (measurements.ts): round anything a divisor may have made fractional. */
function int(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.round(n);
}

export interface SystemFields {
  cpu_pct?: number;
  mem_used_pct?: number;
  mem_total_bytes?: number;
  temp_c?: number;
}

export function systemPoint(f: SystemFields): Point | undefined {
  return point('system', {}, { cpu_pct: f.cpu_pct, mem_used_pct: f.mem_used_pct, mem_total_bytes: int(f.mem_total_bytes), temp_c: f.temp_c });
}

export interface FirewallFields {
  sessions?: number;
  sessions_max?: number;
  vpn_tunnels_up?: number;
  ha_state?: string;
}

export function firewallPoint(f: FirewallFields): Point | undefined {
  return point('firewall', {}, {
    sessions: int(f.sessions),
    sessions_max: int(f.sessions_max),
    vpn_tunnels_up: int(f.vpn_tunnels_up),
    ha_state: f.ha_state,
  });
}

export function sensorPoint(cls: string, name: string, fields: { value?: number; state?: string; ok?: boolean }): Point | undefined {
  return point('sensor', { class: cls, name }, fields);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Licence expiry as firewalls print it: FortiOS `Sat Jul 26 01:00:00 2025` (ctime), SFOS `Nov 10 2021`,
 * WatchGuard/MikroTik DateAndTime octets, and the ISO/US forms util.parseDate knows. Times are read as UTC:
 * the device's own zone is not on the wire, and a licence is judged in days, so an hour either way is noise.
 */
export function parseExpiry(v: string | Buffer | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (Buffer.isBuffer(v) && !/^[\x20-\x7e]*$/.test(v.toString('latin1'))) {
    if (v.length >= 8 && v.readUInt16BE(0) === 0) return undefined; // all-zero DateAndTime = "never set"
    return parseDate(v);
  }
  const s = (Buffer.isBuffer(v) ? v.toString('utf8') : v).replace(/\0+$/, '').trim();
  if (!s) return undefined;
  const m = /^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s+)?(\d{4})\b/.exec(s);
  if (m) {
    const mon = MONTHS.indexOf(m[1]!.toLowerCase());
    if (mon < 0) return undefined;
    return Date.UTC(+m[6]!, mon, +m[2]!, +(m[3] ?? 0), +(m[4] ?? 0), +(m[5] ?? 0)) / 1000;
  }
  if (!/\d{4}/.test(s)) return undefined; // "N/A", "Expired", "Not Licensed": no date to compute with
  const t = parseDate(s);
  return t !== undefined && Number.isFinite(t) ? t : undefined;
}

/**
 * Short, stable licence names so one alert rule ("antivirus < 30 days") works across vendors. Order matters:
 * the first keyword that matches wins, so "Advanced Malware Protection" is antivirus, not "advanced".
 */
const LICENSE_NAMES: Array<[RegExp, string]> = [
  [/antivirus|anti-virus|\bav\b|malware|gateway av|\bgav\b/i, 'antivirus'],
  [/\bips\b|intrusion|attack def|ids\b/i, 'ips'],
  [/web ?filter|url|content filter|\bcfs\b|webcat/i, 'web_filter'],
  [/anti-?spam|e-?mail|mail protection/i, 'antispam'],
  [/sandbox|sandstorm|\batp\b|\bapt\b|zero-?day/i, 'sandbox'],
  [/app(lication)? ?control/i, 'app_control'],
  [/botnet|ioc|outbreak/i, 'threat_intel'],
  [/support|warranty|rma|hardware|firmware|forticare|24x7|8x5/i, 'support'],
];

function slug(description: string): string {
  return description.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'license';
}

export function licenseName(description: string): string {
  for (const [re, name] of LICENSE_NAMES) if (re.test(description)) return name;
  return slug(description);
}

/**
 * Names for a whole licence table: the short name when it is free, else the description's own slug, so two
 * contracts that both read as "support" (FortiCare and firmware updates) never overwrite one another.
 */
export function licenseNames(descriptions: string[]): string[] {
  const used = new Set<string>();
  return descriptions.map((d) => {
    let name = licenseName(d);
    if (used.has(name)) name = slug(d);
    for (let i = 2; used.has(name); i++) name = `${slug(d)}_${i}`;
    used.add(name);
    return name;
  });
}

/** One `license` point; days_left uses the poll time so tests and replays are deterministic. */
export function licensePoint(name: string, expiresAt: number | undefined, now: number, extra: Record<string, string | number | undefined> = {}): Point | undefined {
  return point('license', { name }, {
    expires_at: expiresAt === undefined ? undefined : Math.floor(expiresAt),
    days_left: expiresAt === undefined ? undefined : daysLeft(expiresAt, now),
    ...extra,
  });
}

/** Raw bytes of an OctetString (DateAndTime must not be re-read as text). */
export function bytes(vb: Varbind | undefined): Buffer | string | undefined {
  if (!vb || vb.value === null || vb.value === undefined) return undefined;
  if (Buffer.isBuffer(vb.value)) return vb.value;
  return typeof vb.value === 'string' ? vb.value : asString(vb.value);
}

/** Sensor class from a free-text sensor name, for vendors whose tables mix temperatures, fans and rails. */
export function sensorClassFromName(name: string): string {
  if (/temp|thermal|\bdts\b|on-die/i.test(name)) return 'temperature';
  if (/fan/i.test(name)) return 'fan';
  if (/\bpsu?\s?\d|power ?supply|\bpsu\b/i.test(name)) return 'psu';
  if (/volt|\bv(cc|in|tt|dd|core)\b|[+-]?\d+(\.\d+)?\s?v\b|\bp\d+v\d*/i.test(name)) return 'voltage';
  if (/curr|amp/i.test(name)) return 'current';
  return 'other';
}

/** Largest of the temperatures: the hottest sensor is the one that decides whether the box throttles. */
export function hottest(temps: Array<number | undefined>): number | undefined {
  const t = temps.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return t.length ? Math.max(...t) : undefined;
}

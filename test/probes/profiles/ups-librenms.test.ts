import t from 'tap';
import { upsProfiles } from '../../../probes/profiles/ups/index.js';
import type { ProfileOutput } from '../../../probes/profiles/types.js';
import { oracle, recordingContext } from '../../helpers/fixtures.js';

/**
 * Outpost against LibreNMS on the same recordings (test/fixtures/snmp/ORACLE.md). Each LibreNMS sensor is
 * found in Outpost's output by its OID; values are brought to LibreNMS's unit (runtime in minutes) and must
 * agree, or be listed below with the reason Outpost differs on purpose.
 */

interface Found { where: string; value: number | undefined; toLibre?: (v: number) => number }

const minutes = (s: number) => s / 60;
const ups = (out: ProfileOutput, field: string, toLibre?: (v: number) => number): Found => {
  const v = out.points.find((p) => p.measurement === 'ups')?.fields[field];
  return { where: `ups.${field}`, value: typeof v === 'number' ? v : undefined, toLibre };
};
const sensorPoint = (out: ProfileOutput, cls: string, name: string) =>
  out.points.find((p) => p.measurement === 'sensor' && p.tags.class === cls && p.tags.name === name);
const sensor = (out: ProfileOutput, cls: string, name: string): Found => {
  const v = sensorPoint(out, cls, name)?.fields.value;
  return { where: `sensor ${cls}/${name}`, value: typeof v === 'number' ? v : undefined };
};

/** A phase of a line table: its own sensor on multi-phase UPSes, the ups point or a side sensor on single-phase ones. */
function line(out: ProfileOutput, cls: string, side: 'input' | 'output' | 'bypass', n: number): Found {
  const own = sensor(out, cls, `${side} L${n}`);
  if (own.value !== undefined || n !== 1) return own;
  if (cls === 'voltage' && side !== 'bypass') return ups(out, `${side}_voltage_v`);
  if (cls === 'frequency' && side === 'input') return ups(out, 'input_frequency_hz');
  if (cls === 'load') return ups(out, 'load_pct');
  return sensor(out, cls, side);
}

type Rule = [RegExp, (m: RegExpExecArray, out: ProfileOutput, descr: string) => Found];
const UPSMIB = String.raw`1\.3\.6\.1\.2\.1\.33\.1`;
const APC = String.raw`1\.3\.6\.1\.4\.1\.318\.1\.1`;
const XUPS = String.raw`1\.3\.6\.1\.4\.1\.534\.1`;
const CPS = String.raw`1\.3\.6\.1\.4\.1\.3808\.1\.1`;
const SOC = String.raw`1\.3\.6\.1\.4\.1\.4555\.1\.1\.7\.1`;
const TLP = String.raw`1\.3\.6\.1\.4\.1\.850\.1\.1\.3\.1`;
const SIDE = { 3: 'input', 4: 'output', 5: 'bypass' } as const;

/** Where each MIB object LibreNMS graphs lives in Outpost's output. */
const RULES: Rule[] = [
  // RFC 1628
  [new RegExp(`^${UPSMIB}\\.2\\.4\\.0$`), (_, o) => ups(o, 'battery_charge_pct')],
  [new RegExp(`^${UPSMIB}\\.2\\.2\\.0$`), (_, o) => ups(o, 'seconds_on_battery', minutes)],
  [new RegExp(`^${UPSMIB}\\.2\\.3\\.0$`), (_, o) => ups(o, 'runtime_s', minutes)],
  [new RegExp(`^${UPSMIB}\\.2\\.5\\.0$`), (_, o) => ups(o, 'battery_voltage_v')],
  [new RegExp(`^${UPSMIB}\\.2\\.6\\.0$`), (_, o) => sensor(o, 'current', 'battery')],
  [new RegExp(`^${UPSMIB}\\.2\\.7\\.0$`), (_, o) => ups(o, 'battery_temp_c')],
  [new RegExp(`^${UPSMIB}\\.4\\.2\\.0$`), (_, o) => ups(o, 'output_frequency_hz')],
  [new RegExp(`^${UPSMIB}\\.5\\.1\\.0$`), (_, o) => sensor(o, 'frequency', 'bypass')],
  [new RegExp(`^${UPSMIB}\\.3\\.3\\.1\\.([2-5])\\.(\\d+)$`), (m, o) => line(o, ({ 2: 'frequency', 3: 'voltage', 4: 'current', 5: 'power' } as const)[m[1] as '2'], 'input', +m[2]!)],
  [new RegExp(`^${UPSMIB}\\.4\\.4\\.1\\.([2-5])\\.(\\d+)$`), (m, o) => line(o, ({ 2: 'voltage', 3: 'current', 4: 'power', 5: 'load' } as const)[m[1] as '2'], 'output', +m[2]!)],
  [new RegExp(`^${UPSMIB}\\.5\\.3\\.1\\.([2-4])\\.(\\d+)$`), (m, o) => line(o, ({ 2: 'voltage', 3: 'current', 4: 'power' } as const)[m[1] as '2'], 'bypass', +m[2]!)],
  // PowerNet
  [new RegExp(`^${APC}\\.1\\.2\\.(2\\.1|3\\.1)\\.0$`), (_, o) => ups(o, 'battery_charge_pct')],
  [new RegExp(`^${APC}\\.1\\.2\\.2\\.3\\.0$`), (_, o) => ups(o, 'runtime_s', minutes)],
  [new RegExp(`^${APC}\\.1\\.2\\.(2\\.2|3\\.2)\\.0$`), (_, o) => ups(o, 'battery_temp_c')],
  [new RegExp(`^${APC}\\.1\\.2\\.(2\\.8|3\\.4)\\.0$`), (_, o) => ups(o, 'battery_voltage_v')],
  [new RegExp(`^${APC}\\.1\\.3\\.[23]\\.1\\.0$`), (_, o) => ups(o, 'input_voltage_v')],
  [new RegExp(`^${APC}\\.1\\.3\\.[23]\\.4\\.0$`), (_, o) => ups(o, 'input_frequency_hz')],
  [new RegExp(`^${APC}\\.1\\.4\\.[23]\\.1\\.0$`), (_, o) => ups(o, 'output_voltage_v')],
  [new RegExp(`^${APC}\\.1\\.4\\.[23]\\.2\\.0$`), (_, o) => ups(o, 'output_frequency_hz')],
  [new RegExp(`^${APC}\\.1\\.4\\.[23]\\.3\\.0$`), (_, o) => ups(o, 'load_pct')],
  [new RegExp(`^${APC}\\.1\\.4\\.[23]\\.4\\.0$`), (_, o) => sensor(o, 'current', 'output')],
  [new RegExp(`^${APC}\\.25\\.1\\.2\\.1\\.6\\.`), (_, o, d) => sensor(o, 'temperature', d)],
  [new RegExp(`^${APC}\\.25\\.1\\.2\\.1\\.7\\.`), (_, o, d) => sensor(o, 'humidity', d)],
  [new RegExp(`^${APC}\\.10\\.2\\.3\\.2\\.1\\.4\\.`), (_, o, d) => sensor(o, 'temperature', d)],
  // XUPS
  [new RegExp(`^${XUPS}\\.2\\.1\\.0$`), (_, o) => ups(o, 'runtime_s', minutes)],
  [new RegExp(`^${XUPS}\\.2\\.2\\.0$`), (_, o) => ups(o, 'battery_voltage_v')],
  [new RegExp(`^${XUPS}\\.2\\.3\\.0$`), (_, o) => sensor(o, 'current', 'battery')],
  [new RegExp(`^${XUPS}\\.2\\.4\\.0$`), (_, o) => ups(o, 'battery_charge_pct')],
  [new RegExp(`^${XUPS}\\.3\\.1\\.0$`), (_, o) => ups(o, 'input_frequency_hz')],
  [new RegExp(`^${XUPS}\\.4\\.1\\.0$`), (_, o) => ups(o, 'load_pct')],
  [new RegExp(`^${XUPS}\\.4\\.2\\.0$`), (_, o) => ups(o, 'output_frequency_hz')],
  [new RegExp(`^${XUPS}\\.5\\.1\\.0$`), (_, o) => sensor(o, 'frequency', 'bypass')],
  [new RegExp(`^${XUPS}\\.([345])\\.[34]\\.1\\.([234])\\.(\\d+)$`), (m, o) =>
    line(o, ({ 2: 'voltage', 3: 'current', 4: 'power' } as const)[m[2] as '2'], SIDE[+m[1]! as 3], +m[3]!)],
  [new RegExp(`^${XUPS}\\.6\\.1\\.0$`), (_, o) => sensor(o, 'temperature', 'ambient')],
  [new RegExp(`^${XUPS}\\.6\\.5\\.0$`), (_, o) => sensor(o, 'temperature', 'remote')],
  [new RegExp(`^${XUPS}\\.6\\.6\\.0$`), (_, o) => sensor(o, 'humidity', 'remote')],
  // MG-SNMP-UPS-MIB: LibreNMS graphs the runtime in seconds as a "delay"
  [/^1\.3\.6\.1\.4\.1\.705\.1\.5\.1\.0$/, (_, o) => ups(o, 'runtime_s')],
  // CPS-MIB
  [new RegExp(`^${CPS}\\.1\\.2\\.2\\.1\\.0$`), (_, o) => ups(o, 'battery_charge_pct')],
  [new RegExp(`^${CPS}\\.1\\.2\\.2\\.2\\.0$`), (_, o) => ups(o, 'battery_voltage_v')],
  [new RegExp(`^${CPS}\\.1\\.2\\.2\\.3\\.0$`), (_, o) => ups(o, 'battery_temp_c')],
  [new RegExp(`^${CPS}\\.1\\.2\\.2\\.4\\.0$`), (_, o) => ups(o, 'runtime_s', minutes)],
  [new RegExp(`^${CPS}\\.1\\.3\\.2\\.1\\.0$`), (_, o) => ups(o, 'input_voltage_v')],
  [new RegExp(`^${CPS}\\.1\\.3\\.2\\.4\\.0$`), (_, o) => ups(o, 'input_frequency_hz')],
  [new RegExp(`^${CPS}\\.1\\.4\\.2\\.1\\.0$`), (_, o) => ups(o, 'output_voltage_v')],
  [new RegExp(`^${CPS}\\.1\\.4\\.2\\.2\\.0$`), (_, o) => ups(o, 'output_frequency_hz')],
  [new RegExp(`^${CPS}\\.1\\.4\\.2\\.3\\.0$`), (_, o) => ups(o, 'load_pct')],
  [new RegExp(`^${CPS}\\.1\\.4\\.2\\.4\\.0$`), (_, o) => sensor(o, 'current', 'output')],
  [new RegExp(`^${CPS}\\.4\\.2\\.1\\.0$`), (_, o) => sensor(o, 'temperature', 'environment')],
  [new RegExp(`^${CPS}\\.4\\.3\\.1\\.0$`), (_, o) => sensor(o, 'humidity', 'environment')],
  // SOCOMECUPS-MIB
  [new RegExp(`^${SOC}\\.2\\.2\\.0$`), (_, o) => ups(o, 'seconds_on_battery')],
  [new RegExp(`^${SOC}\\.2\\.3\\.0$`), (_, o) => ups(o, 'runtime_s', minutes)],
  [new RegExp(`^${SOC}\\.2\\.4\\.0$`), (_, o) => ups(o, 'battery_charge_pct')],
  [new RegExp(`^${SOC}\\.2\\.5\\.0$`), (_, o) => ups(o, 'battery_voltage_v')],
  [new RegExp(`^${SOC}\\.2\\.7\\.0$`), (_, o) => sensor(o, 'temperature', 'ambient')],
  [new RegExp(`^${SOC}\\.3\\.2\\.0$`), (_, o) => ups(o, 'input_frequency_hz')],
  [new RegExp(`^${SOC}\\.4\\.2\\.0$`), (_, o) => ups(o, 'output_frequency_hz')],
  [new RegExp(`^${SOC}\\.5\\.1\\.0$`), (_, o) => sensor(o, 'frequency', 'bypass')],
  [new RegExp(`^${SOC}\\.([345])\\.[34]\\.1\\.([234])\\.(\\d+)$`), (m, o) =>
    line(o, m[2] === '4' ? 'load' : m[2] === '3' ? 'current' : 'voltage', SIDE[+m[1]! as 3], +m[3]!)],
  // TRIPPLITE-PRODUCTS (device index 1)
  [new RegExp(`^${TLP}\\.2\\.1\\.1\\.7\\.1$`), (_, o) => sensor(o, 'temperature', 'ups')],
  [new RegExp(`^${TLP}\\.3\\.1\\.1\\.1\\.4\\.1$`), (_, o) => ups(o, 'battery_charge_pct')],
  [new RegExp(`^${TLP}\\.3\\.1\\.2\\.1\\.1\\.1$`), (_, o) => ups(o, 'battery_voltage_v')],
  [new RegExp(`^${TLP}\\.3\\.2\\.2\\.1\\.2\\.1\\.(\\d+)$`), (m, o) => line(o, 'frequency', 'input', +m[1]!)],
  [new RegExp(`^${TLP}\\.3\\.2\\.2\\.1\\.3\\.1\\.(\\d+)$`), (m, o) => line(o, 'voltage', 'input', +m[1]!)],
  [new RegExp(`^${TLP}\\.3\\.3\\.1\\.1\\.3\\.1$`), (_, o) => ups(o, 'output_frequency_hz')],
  [new RegExp(`^${TLP}\\.3\\.3\\.2\\.1\\.2\\.1\\.(\\d+)$`), (m, o) => line(o, 'voltage', 'output', +m[1]!)],
  [new RegExp(`^${TLP}\\.3\\.3\\.2\\.1\\.3\\.1\\.(\\d+)$`), (m, o) => line(o, 'current', 'output', +m[1]!)],
];

/** Where Outpost disagrees with LibreNMS on purpose. Keyed by device and LibreNMS OID. */
const DEPARTURES: Array<{ device: string; oid: string; reason: string }> = [
  { device: 'eaton-mgeups_5px', oid: '.1.3.6.1.2.1.33.1.2.3.0', reason: 'MGE upsmgBatteryRemainingTime (2594 s) is preferred to UPS-MIB whole minutes (43 min)' },
  { device: 'socomec-ups', oid: '.1.3.6.1.4.1.4555.1.1.7.1.2.3.0', reason: 'Net Vision fills unmeasured registers with 0xFFFF: 65535 min is "no estimate", not 45 days' },
  { device: 'poweralert_ups', oid: '.1.3.6.1.2.1.33.1.2.7.0', reason: 'UPS-MIB battery temperature -273 °C is PowerAlert saying "no probe"; Outpost stores no value' },
  { device: 'poweralert_ups', oid: '.1.3.6.1.2.1.33.1.3.3.1.3.1', reason: 'TRIPPLITE tenths of a volt (210.9) are preferred to UPS-MIB whole volts (210)' },
  { device: 'poweralert_ups', oid: '.1.3.6.1.2.1.33.1.4.4.1.2.1', reason: 'TRIPPLITE tenths of a volt (210.1) are preferred to UPS-MIB whole volts (210)' },
];

const NUMERIC = new Set(['charge', 'runtime', 'delay', 'load', 'voltage', 'current', 'power', 'frequency', 'temperature', 'humidity']);
const agrees = (a: number, b: number) => Math.abs(a - b) <= 0.005 + 1e-6 * Math.abs(a);

t.test('Outpost agrees with LibreNMS on every UPS sensor it also reports', async (t) => {
  const rows: string[][] = [];
  let agree = 0;
  let explained = 0;
  let compared = 0;
  const usedDepartures = new Set<string>();
  const devices = Object.entries(oracle()).filter(([, d]) => d.category === 'ups' && Array.isArray(d.sensors));
  t.ok(devices.length >= 14, 'every UPS recording has LibreNMS sensors');
  for (const [device, d] of devices) {
    const ctx = recordingContext(device);
    const profile = [...upsProfiles].sort((a, b) => b.match(ctx.sys) - a.match(ctx.sys))[0]!;
    const out = await profile.collect(ctx);
    for (const s of d.sensors as Array<Record<string, any>>) {
      if (!NUMERIC.has(s.class) || s.assert === false) continue;
      const oid = String(s.oid).replace(/^\./, '');
      const rule = RULES.map(([re, f]) => [re.exec(oid), f] as const).find(([m]) => m);
      if (!rule) continue; // no Outpost counterpart (e.g. a PDU power meter on a UPS card)
      const found = rule[1](rule[0]!, out, String(s.descr));
      const outpost = found.value === undefined ? undefined : found.toLibre ? found.toLibre(found.value) : found.value;
      const libre = Number(s.value);
      compared++;
      const ok = outpost !== undefined && agrees(libre, outpost);
      const departure = DEPARTURES.find((x) => x.device === device && x.oid === s.oid);
      if (ok) agree++;
      else if (departure) {
        explained++;
        usedDepartures.add(`${device} ${s.oid}`);
      }
      rows.push([device, `${s.class} ${s.descr} (${found.where})`, String(libre), outpost === undefined ? '—' : String(Math.round(outpost * 1e4) / 1e4), ok ? 'yes' : departure ? 'explained' : 'NO']);
      if (!ok && !departure) t.fail(`${device} ${s.class} "${s.descr}" ${s.oid}: LibreNMS ${libre}, Outpost ${outpost} (${found.where})`);
    }
  }
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['device', 'value', 'LibreNMS', 'Outpost', 'agree'], ...rows].map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  t.comment(['', fmt(['device', 'value', 'LibreNMS', 'Outpost', 'agree']), ...rows.map(fmt)].join('\n'));
  t.comment(['', 'Departures:', ...DEPARTURES.map((x) => `  ${x.device} ${x.oid}: ${x.reason}`)].join('\n'));
  t.comment(`totals: agree ${agree} / explained ${explained} / compared ${compared}`);
  t.equal(agree + explained, compared, 'every comparison agrees or is explained');
  t.ok(compared > 200, 'most LibreNMS sensors have a counterpart');
  for (const x of DEPARTURES) t.ok(usedDepartures.has(`${x.device} ${x.oid}`), `departure still needed: ${x.device} ${x.oid}`);
});

import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { upsProfiles } from '../../../probes/profiles/ups/index.js';
import { UPS_STATUSES, normaliseStatus, type UpsStatus } from '../../../probes/profiles/ups/common.js';
import { APC_OUTPUT_STATUS, apcProfile } from '../../../probes/profiles/ups/apc.js';
import { XUPS_OUTPUT_SOURCE } from '../../../probes/profiles/ups/eaton.js';
import { mgeStatus } from '../../../probes/profiles/ups/mge.js';
import { CPS_OUTPUT_STATUS } from '../../../probes/profiles/ups/cyberpower.js';
import { SOCOMEC_OUTPUT_SOURCE, socomecValue } from '../../../probes/profiles/ups/socomec.js';
import { TLP_OUTPUT_SOURCE, trippLiteProfile } from '../../../probes/profiles/ups/tripplite.js';
import { UPS_MIB_SOURCE, upsMibCollector } from '../../../probes/profiles/generic/ups-mib.js';
import type { Profile, ProfileContext, ProfileOutput } from '../../../probes/profiles/types.js';
import type { Point } from '../../../probes/types.js';
import { silentLogger } from '../../../probes/types.js';
import { fieldType } from '../../../probes/measurements.js';
import { RecordingClient, parseSnmprec } from '../../../probes/snmp/recording.js';
import { type Varbind, SnmpType, compareOid } from '../../../probes/snmp/varbind.js';
import { FIXTURES, RECORDINGS, recordingContext } from '../../helpers/fixtures.js';

const NOW = Date.UTC(2026, 10, 28);

function manifest(): Array<{ name: string; category: string }> {
  const lines = readFileSync(join(FIXTURES, 'snmp', 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => l.split('\t')).map((c) => ({ name: c[0]!, category: c[1]! }));
}
const UPS = manifest().filter((m) => m.category === 'ups').map((m) => m.name);
const NOT_UPS = manifest().filter((m) => m.category !== 'ups').map((m) => m.name);

function best(ctx: ProfileContext): Profile {
  const ranked = [...upsProfiles].sort((a, b) => b.match(ctx.sys) - a.match(ctx.sys));
  return ranked[0]!;
}
const upsFields = (out: ProfileOutput) => out.points.find((p) => p.measurement === 'ups')?.fields ?? {};
const sensorValue = (out: ProfileOutput, cls: string, name: string) =>
  out.points.find((p) => p.measurement === 'sensor' && p.tags.class === cls && p.tags.name === name)?.fields;

/** A recording with some OIDs replaced, added (value given) or removed (null), for states no recording shows. */
function patched(name: string, changes: Record<string, Varbind['value'] | null>, type: number = SnmpType.Integer): ProfileContext {
  const base = recordingContext(name, NOW);
  const vbs = parseSnmprec(readFileSync(join(RECORDINGS, `${name}.snmprec`), 'utf8')).filter((v) => !(v.oid in changes));
  for (const [oid, value] of Object.entries(changes)) if (value !== null) vbs.push({ oid, type, value });
  vbs.sort((a, b) => compareOid(a.oid, b.oid));
  return { ...base, snmp: new RecordingClient(vbs) };
}

interface Expect {
  profile: string;
  identity: Record<string, string | undefined>;
  ups: Record<string, unknown>;
  absent?: string[];
  sensors?: Array<[cls: string, name: string, fields: Record<string, unknown>]>;
}

/** Values read off each recording and its MIB by hand (see probes/profiles/ups/README.md for the OIDs). */
const EXPECTED: Record<string, Expect> = {
  'apc_smt750x-nmc2': {
    profile: 'apc',
    identity: { vendor: 'APC', model: 'Smart-UPS X 750', serial: 'AS1907242163', os: 'AOS', version: '7.0.8' },
    // 10976200 ticks = 109762 s; upsHighPrec* tenths: 1000 → 100 %, 547 → 54.7 V, 234 → 23.4 °C, 1191 → 119.1 V.
    ups: { status: 'online', on_battery: false, battery_charge_pct: 100, runtime_s: 109762, load_pct: 0, input_voltage_v: 119.1, output_voltage_v: 119.1, battery_voltage_v: 54.7, battery_temp_c: 23.4, battery_replace: false, input_frequency_hz: 60, output_frequency_hz: 60 },
    sensors: [['temperature', 'Equipment Room', { value: 20 }], ['current', 'output', { value: 0 }]],
  },
  'apc_smtl1000-nmc3': {
    profile: 'apc',
    identity: { vendor: 'APC', model: 'Smart-UPS 1000', serial: 'AS2233161027', os: 'AOS', version: '2.3.1.1' },
    ups: { status: 'online', battery_charge_pct: 100, runtime_s: 1522, load_pct: 37.8, input_voltage_v: 118, battery_voltage_v: 40.8, battery_temp_c: 28 },
    sensors: [['humidity', 'Equipment Room', { value: 32 }], ['temperature', 'Equipment Cabinet', { value: 28 }], ['current', 'output', { value: 3 }]],
  },
  apc_sua1500rmi2u: {
    profile: 'apc',
    identity: { vendor: 'APC', model: 'Smart-UPS 1500 RM', serial: 'FFFFFFFFFFFF', os: 'AOS', version: '3.7.3' },
    ups: { status: 'online', battery_charge_pct: 100, runtime_s: 3960, load_pct: 16.9, input_voltage_v: 239, battery_voltage_v: 27.5, battery_temp_c: 26.1, input_frequency_hz: 50 },
    sensors: [['temperature', 'AP9512T', { value: 26 }]],
  },
  apc_smx750i: {
    profile: 'apc',
    identity: { vendor: 'APC', model: 'Smart-UPS X 750', os: 'AOS', version: '6.6.4' },
    // No upsHighPrec voltage/temperature here: the whole-unit upsAdv* values are used (232 V, 54 V, 31 °C).
    ups: { status: 'online', on_battery: false, runtime_s: 5709, load_pct: 20.2, input_voltage_v: 232, output_voltage_v: 232, battery_voltage_v: 54, battery_temp_c: 31, input_frequency_hz: 50 },
    sensors: [['current', 'output', { value: 0.6 }], ['temperature', 'Port 1 Temp 1', { value: 23 }], ['state', 'Door', { state: 'fault', ok: false }], ['state', 'Fan', { state: 'no_fault', ok: true }]],
  },
  apc_surt3000xl: {
    profile: 'apc',
    identity: { vendor: 'APC', model: 'Smart-UPS RT 3000 XL', serial: 'NS083300xxxx', os: 'AOS', version: '3.9.4' },
    ups: { status: 'online', runtime_s: 19526, input_voltage_v: 223, output_voltage_v: 230, battery_voltage_v: 218, battery_temp_c: 21, battery_replace: false },
    absent: ['load_pct'],
    sensors: [['current', 'output', { value: 4 }]],
  },
  eatonups: {
    profile: 'eaton-xups',
    identity: { vendor: 'Eaton', os: 'ConnectUPS Web/SNMP', version: '4.38' },
    // xupsBatTimeRemaining is seconds; xupsBatteryLastReplacedDate "2001-01-01".
    ups: { status: 'online', on_battery: false, battery_charge_pct: 100, runtime_s: 8620, battery_voltage_v: 78, load_pct: 25, input_voltage_v: 228, input_frequency_hz: 50, output_voltage_v: 230, self_test_result: 'passed', battery_installed_at: 978307200, battery_age_days: 9462 },
    sensors: [['voltage', 'input L3', { value: 231 }], ['power', 'output L2', { value: 944 }], ['voltage', 'bypass L2', { value: 233 }], ['temperature', 'ambient', { value: 29 }]],
  },
  eatonupsm2_9px: {
    profile: 'eaton-xups',
    identity: { vendor: 'Eaton', model: 'Eaton 9PX 1000i RT 2U', serial: 'GA10K33096', os: 'Eaton Gigabit Network Card', version: '1.7.6' },
    // Live values come from RFC 1628: 430 min, 554 → 55.4 V, 501 → 50.1 Hz.
    ups: { status: 'online', on_battery: false, battery_charge_pct: 98, runtime_s: 25800, seconds_on_battery: 0, battery_voltage_v: 55.4, input_voltage_v: 239, output_voltage_v: 229, load_pct: 9, input_frequency_hz: 50.1, output_frequency_hz: 50.1 },
    sensors: [['current', 'output', { value: 0.4 }], ['power', 'output', { value: 20 }], ['temperature', 'ambient', { value: 26 }]],
  },
  'eaton-mgeups_5px': {
    profile: 'mge',
    identity: { vendor: 'Eaton', model: 'Eaton 5PX 3000', serial: 'G4294C3232', version: '06' },
    // upsmgBatteryRemainingTime 2594 s wins over UPS-MIB's 43 min; upsmgBatteryVoltage 810 → 81 V.
    ups: { status: 'online', on_battery: false, battery_charge_pct: 100, runtime_s: 2594, battery_voltage_v: 81, battery_replace: false, load_pct: 59, input_voltage_v: 229, output_voltage_v: 229 },
    sensors: [['temperature', 'remote', { value: 33 }], ['humidity', 'remote', { value: 15 }], ['power', 'output', { value: 1593 }], ['current', 'output', { value: 7.8 }]],
  },
  cyberpower: {
    profile: 'cyberpower',
    identity: { vendor: 'CyberPower', model: 'OL2200RTXL2U', serial: 'ABCFT1000001', version: 'S1A17' },
    // 174000 ticks = 1740 s; 1195 → 119.5 V; envirTemperature 683 = 68.3 °F = 20.17 °C.
    ups: { status: 'online', on_battery: false, battery_charge_pct: 100, runtime_s: 1740, input_voltage_v: 119.5, output_voltage_v: 120.2, battery_temp_c: 36, battery_replace: false, input_frequency_hz: 60 },
    sensors: [['temperature', 'environment', { value: 20.17 }], ['humidity', 'environment', { value: 56 }], ['current', 'output', { value: 6.5 }]],
  },
  cyberpower_cp1000pfclcd: {
    profile: 'cyberpower',
    identity: { vendor: 'CyberPower', model: 'CP1000PFCLCD', version: 'CRDA103_261' },
    ups: { status: 'online', battery_charge_pct: 100, runtime_s: 1200, load_pct: 24, battery_voltage_v: 24, input_voltage_v: 123, battery_replace: true },
  },
  'generex-ups_cs141': {
    profile: 'generex',
    identity: { vendor: 'Multimatic', model: 'Upscale', os: 'CS141', version: '1.80.17' },
    // upsOutputSource bypass(4); load is the most loaded of the three phases (2, 14, 2 %).
    ups: { status: 'bypass', on_battery: false, battery_charge_pct: 100, runtime_s: 32640, seconds_on_battery: 0, battery_voltage_v: 271.6, battery_temp_c: 25, load_pct: 14, input_voltage_v: 233 },
    sensors: [['voltage', 'input L3', { value: 235 }], ['power', 'output L3', { value: -26 }], ['load', 'output L2', { value: 14 }]],
  },
  netmanplus_204: {
    profile: 'netman',
    identity: { vendor: 'RPS SpA', os: 'Netman 204' },
    ups: { status: 'online', battery_charge_pct: 100, runtime_s: 8100, battery_voltage_v: 122.5, battery_temp_c: 37, load_pct: 8, input_voltage_v: 242, output_voltage_v: 231, input_frequency_hz: 50.1 },
    sensors: [['current', 'input L1', { value: -0.1 }], ['power', 'output L1', { value: 184 }]],
  },
  'socomec-ups': {
    profile: 'socomec',
    identity: { vendor: 'Socomec', model: 'NETYS RT', serial: '2D22451188', os: 'Net Vision', version: '8.00' },
    // upsEstimatedMinutesRemaining is 65535 (not measured while on mains): no runtime rather than 45 days.
    ups: { status: 'online', on_battery: false, battery_charge_pct: 100, seconds_on_battery: 0, battery_voltage_v: 54.2, input_voltage_v: 240, output_voltage_v: 230, load_pct: 0, battery_replace: false },
    absent: ['runtime_s', 'battery_temp_c'],
    sensors: [['temperature', 'ambient', { value: 21 }], ['voltage', 'bypass', { value: 240 }]],
  },
  poweralert_ups: {
    profile: 'tripplite',
    identity: { vendor: 'Tripp Lite', model: 'SU3000LCD2UHV', os: 'PowerAlert', version: '20.1.0.87' },
    // tlpUpsOutputSource economy(9) while UPS-MIB says other(1); pack temperature -273.1 °C means no probe.
    ups: { status: 'online', on_battery: false, battery_charge_pct: 100, runtime_s: 4320, input_voltage_v: 210.9, output_voltage_v: 210.1, load_pct: 10, battery_voltage_v: 82.1, battery_replace: false, self_test_result: 'passed', battery_installed_at: 1678233600 },
    absent: ['battery_temp_c', 'self_test_date'],
    sensors: [['temperature', 'ups', { value: 22 }], ['current', 'output', { value: 1.4 }]],
  },
};

t.test('every UPS recording has an expectation', async (t) => {
  t.same(Object.keys(EXPECTED).sort(), [...UPS].sort());
});

for (const name of UPS) {
  t.test(`${name}: the right profile reports identity and the ups point`, async (t) => {
    const exp = EXPECTED[name]!;
    const ctx = recordingContext(name, NOW);
    const profile = best(ctx);
    t.equal(profile.id, exp.profile, 'highest-scoring profile');
    t.ok(profile.match(ctx.sys) > 0);
    const out = await profile.collect(ctx);
    t.match(out.identity, { class: 'ups', ...exp.identity });
    for (const [k, v] of Object.entries(exp.identity)) if (v === undefined) t.notOk(out.identity?.[k as 'model'], `${k} absent`);
    const fields = upsFields(out);
    t.match(fields, exp.ups);
    for (const k of exp.absent ?? []) t.notOk(k in fields, `${k} absent`);
    t.ok(UPS_STATUSES.includes(fields.status as UpsStatus), 'status is one of the normalised values');
    for (const [k, v] of Object.entries(fields)) {
      t.ok(fieldType('ups', k), `${k} is a schema field`);
      if (fieldType('ups', k) === 'int') t.ok(Number.isInteger(v), `${k} is an integer`);
    }
    for (const [cls, sname, f] of exp.sensors ?? []) t.match(sensorValue(out, cls, sname), f, `sensor ${cls}/${sname}`);
    for (const p of out.points) t.ok(p.measurement === 'ups' || (p.measurement === 'sensor' && p.tags.class && p.tags.name), 'only ups and tagged sensor points');
  });
}

t.test('no UPS profile claims a device that is not a UPS', async (t) => {
  for (const name of NOT_UPS) {
    const ctx = recordingContext(name);
    for (const p of upsProfiles) t.equal(p.match(ctx.sys), 0, `${p.id} on ${name}`);
  }
});

t.test('upsMibCollector: class hint on UPS-MIB agents, silence elsewhere', async (t) => {
  for (const name of NOT_UPS) {
    const out = await upsMibCollector.collect(recordingContext(name));
    t.same(out.points, [], `${name}: no points`);
    t.notOk(out.classHint, `${name}: no class hint`);
  }
  const generex = await upsMibCollector.collect(recordingContext('generex-ups_cs141', NOW));
  t.equal(generex.classHint, 'ups');
  t.match(upsFields(generex), { status: 'bypass', runtime_s: 32640, battery_temp_c: 25 });
  t.match(generex.identity, { vendor: 'Multimatic', model: 'Upscale' });
  // Tripp Lite's RFC 1628 view: source other(1), seconds on battery 0, battery temperature -273 (no probe).
  const tl = upsFields(await upsMibCollector.collect(recordingContext('poweralert_ups', NOW)));
  t.match(tl, { status: 'unknown', on_battery: false, input_voltage_v: 210 });
  t.notOk('battery_temp_c' in tl);
});

t.test('UPS-MIB alarms: battery bad sets battery_replace, a running test becomes status testing', async (t) => {
  const A = '1.3.6.1.2.1.33.1.6';
  const ctx = patched('netmanplus_204', { [`${A}.1.0`]: 2 });
  const vbs = [
    { oid: `${A}.2.1.2.1`, type: SnmpType.OID, value: '1.3.6.1.2.1.33.1.6.3.1' },
    { oid: `${A}.2.1.2.2`, type: SnmpType.OID, value: '1.3.6.1.2.1.33.1.6.3.24' },
  ];
  const base = (ctx.snmp as RecordingClient);
  const merged = new RecordingClient([...(await base.walk('1')), ...vbs].sort((a, b) => compareOid(a.oid, b.oid)));
  const fields = upsFields(await upsMibCollector.collect({ ...ctx, snmp: merged }));
  t.match(fields, { battery_replace: true, status: 'testing', on_battery: false });
  const none = upsFields(await upsMibCollector.collect(patched('netmanplus_204', { [`${A}.1.0`]: 0 })));
  t.equal(none.battery_replace, false, 'no alarms present means no replacement needed');
  t.notOk('battery_replace' in upsFields(await upsMibCollector.collect(recordingContext('netmanplus_204'))), 'unknown without upsAlarmsPresent');
});

t.test('UPS-MIB: on battery, minutes to seconds, self-test date from the sysUpTime stamp', async (t) => {
  const B = '1.3.6.1.2.1.33.1';
  const ctx = patched('generex-ups_cs141', {
    [`${B}.4.1.0`]: 5, [`${B}.2.2.0`]: 95, [`${B}.2.3.0`]: 12, [`${B}.7.3.0`]: 1, [`${B}.7.5.0`]: 1054301867 - 360000,
  });
  const f = upsFields(await upsMibCollector.collect(ctx));
  t.match(f, { status: 'on_battery', on_battery: true, seconds_on_battery: 95, runtime_s: 720, self_test_result: 'passed' });
  t.equal(f.self_test_date, NOW / 1000 - 3600, 'test started one hour (360000 ticks) before now');
});

t.test('APC: on battery, battery replacement, self-test and battery dates', async (t) => {
  const U = '1.3.6.1.4.1.318.1.1.1';
  const ctx = patched('apc_smt750x-nmc2', { [`${U}.4.1.1.0`]: 3, [`${U}.2.2.4.0`]: 2, [`${U}.7.2.3.0`]: 2, [`${U}.2.1.2.0`]: 12345 });
  const str = (o: string, v: string) => ({ oid: o, type: SnmpType.OctetString, value: Buffer.from(v) });
  const vbs = [...(await ctx.snmp.walk('1')), str(`${U}.7.2.4.0`, '11/02/2026'), str(`${U}.2.1.3.0`, '03/15/24')].sort((a, b) => compareOid(a.oid, b.oid));
  const f = upsFields(await apcProfile.collect({ ...ctx, snmp: new RecordingClient(vbs) }));
  t.match(f, {
    status: 'on_battery', on_battery: true, battery_replace: true, self_test_result: 'failed', seconds_on_battery: 123,
    self_test_date: Date.UTC(2026, 10, 2) / 1000, battery_installed_at: Date.UTC(2024, 2, 15) / 1000,
    battery_age_days: Math.floor((NOW - Date.UTC(2024, 2, 15)) / 86_400_000),
  });
  const test = upsFields(await apcProfile.collect(patched('apc_smt750x-nmc2', { [`${U}.4.1.1.0`]: 15 })));
  t.match(test, { status: 'testing', on_battery: true }, 'onBatteryTest runs the load from the battery');
});

t.test('Tripp Lite: main load off and signed pack temperature', async (t) => {
  const UPS = '1.3.6.1.4.1.850.1.1.3.1';
  const f = upsFields(await trippLiteProfile.collect(patched('poweralert_ups', { [`${UPS}.2.1.1.1.1`]: 1, [`${UPS}.3.1.5.1.2.1.1`]: 4294967046 }, SnmpType.Gauge32)));
  t.equal(f.status, 'off');
  t.equal(f.battery_temp_c, -25, '0xFFFFFF06 is -250 tenths');
});

t.test('a silent agent gives empty data, not an exception', async (t) => {
  const ctx: ProfileContext = { snmp: new RecordingClient([]), sys: { sysDescr: '', sysObjectID: '1.3.6.1.4.1.318.1.3.27' }, log: silentLogger, now: NOW };
  for (const p of upsProfiles) {
    const out = await p.collect(ctx);
    const ups = out.points.find((x: Point) => x.measurement === 'ups');
    t.notOk(ups, `${p.id}: no ups point without data`);
  }
  t.same((await upsMibCollector.collect(ctx)).points, []);
});

/** Every documented value of each vendor enumeration, and the status it must become. */
const TABLES: Array<[string, Readonly<Record<number, UpsStatus>>, Record<number, UpsStatus>]> = [
  ['UPS-MIB upsOutputSource', UPS_MIB_SOURCE, { 1: 'unknown', 2: 'off', 3: 'online', 4: 'bypass', 5: 'on_battery', 6: 'boost', 7: 'trim' }],
  ['PowerNet upsBasicOutputStatus', APC_OUTPUT_STATUS, {
    1: 'unknown', 2: 'online', 3: 'on_battery', 4: 'boost', 5: 'off', 6: 'bypass', 7: 'off', 8: 'off', 9: 'bypass', 10: 'bypass',
    11: 'off', 12: 'trim', 13: 'online', 14: 'online', 15: 'testing', 16: 'bypass', 17: 'bypass', 18: 'online', 19: 'testing',
    20: 'online', 21: 'testing', 22: 'testing', 23: 'online', 24: 'testing', 25: 'online', 26: 'off', 27: 'on_battery', 28: 'testing',
  }],
  ['XUPS xupsOutputSource', XUPS_OUTPUT_SOURCE, { 1: 'unknown', 2: 'off', 3: 'online', 4: 'bypass', 5: 'on_battery', 6: 'boost', 7: 'trim', 8: 'online', 9: 'online', 10: 'online', 11: 'bypass', 12: 'online' }],
  ['CPS upsBaseOutputStatus', CPS_OUTPUT_STATUS, { 1: 'unknown', 2: 'online', 3: 'on_battery', 4: 'boost', 5: 'off', 6: 'off', 7: 'off', 8: 'online', 9: 'bypass', 10: 'trim', 11: 'online' }],
  ['Socomec upsOutputSource', SOCOMEC_OUTPUT_SOURCE, { 1: 'unknown', 2: 'bypass', 3: 'online', 4: 'online', 5: 'online', 6: 'bypass', 7: 'off', 8: 'off', 9: 'online', 10: 'online' }],
  ['Tripp Lite tlpUpsOutputSource', TLP_OUTPUT_SOURCE, { 0: 'unknown', 1: 'unknown', 2: 'off', 3: 'online', 4: 'bypass', 5: 'on_battery', 6: 'boost', 7: 'trim', 8: 'online', 9: 'online' }],
];

for (const [name, table, expected] of TABLES) {
  t.test(`${name}: every documented value maps, an unmapped one is unknown`, async (t) => {
    t.same(Object.keys(table).map(Number).sort((a, b) => a - b), Object.keys(expected).map(Number).sort((a, b) => a - b), 'no value left out');
    for (const [raw, status] of Object.entries(expected)) t.equal(normaliseStatus(table, Number(raw)), status, `${raw} → ${status}`);
    t.equal(normaliseStatus(table, 999), 'unknown');
    t.equal(normaliseStatus(table, -1), 'unknown');
    t.equal(normaliseStatus(table, undefined), undefined, 'absent stays absent');
  });
}

t.test('MGE yes/no flags: battery before bypass before boost/buck, none raised defers', async (t) => {
  t.equal(mgeStatus({ onBattery: true, onBoost: true }), 'on_battery');
  t.equal(mgeStatus({ onBypass: true }), 'bypass');
  t.equal(mgeStatus({ onBoost: true }), 'boost');
  t.equal(mgeStatus({ onBuck: true }), 'trim');
  t.equal(mgeStatus({ onBattery: false, onBypass: false, onBoost: false, onBuck: false }), undefined);
});

t.test('Socomec 0xFFFF registers are not values', async (t) => {
  const vb = (value: number): Varbind => ({ oid: '1', type: SnmpType.Integer, value });
  t.equal(socomecValue(vb(65535)), undefined);
  t.equal(socomecValue(vb(655350), 10), undefined);
  t.equal(socomecValue(vb(2300), 10), 230);
});

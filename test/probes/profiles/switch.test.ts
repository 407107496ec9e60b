import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, recordingContext, recordingNames } from '../../helpers/fixtures.js';
import { switchProfiles } from '../../../probes/profiles/switch/index.js';
import { entitySensorCollector, entitySensorPoints, scaleSensorValue } from '../../../probes/profiles/generic/entity-sensor.js';
import { poeCollector, poePoints } from '../../../probes/profiles/generic/poe.js';
import { parseCpuUtilization } from '../../../probes/profiles/switch/fastpath.js';
import { readRadlan } from '../../../probes/profiles/switch/radlan.js';
import { dlinkRoots } from '../../../probes/profiles/switch/dlink.js';
import { parseProcurveDescr } from '../../../probes/profiles/switch/hp-procurve.js';
import { parseIosDescr } from '../../../probes/profiles/switch/cisco-ios.js';
import { RecordingClient } from '../../../probes/snmp/recording.js';
import { SnmpType, type Varbind } from '../../../probes/snmp/varbind.js';
import { silentLogger, type Point } from '../../../probes/types.js';
import type { Profile, ProfileContext, ProfileOutput } from '../../../probes/profiles/types.js';
import { MEASUREMENTS } from '../../../probes/measurements.js';

/** MANIFEST.tsv category per recording: the truth for "is this a switch". */
function categories(): Map<string, string> {
  const rows = readFileSync(join(FIXTURES, 'snmp', 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((r) => r.split('\t')).map(([name, category]) => [name!, category!]));
}

function best(ctx: ProfileContext): Profile | undefined {
  let top: Profile | undefined;
  let score = 0;
  for (const p of switchProfiles) {
    const s = p.match(ctx.sys);
    if (s > score) [top, score] = [p, s];
  }
  return top;
}

async function run(name: string): Promise<{ profile?: string; out: ProfileOutput }> {
  const ctx = recordingContext(name);
  const p = best(ctx);
  return { profile: p?.id, out: p ? await p.collect(ctx) : { points: [] } };
}

function sys(out: ProfileOutput): Record<string, unknown> | undefined {
  return out.points.find((p) => p.measurement === 'system')?.fields;
}

function sensor(out: ProfileOutput, cls: string, name: string): Record<string, unknown> | undefined {
  return out.points.find((p) => p.measurement === 'sensor' && p.tags.class === cls && p.tags.name === name)?.fields;
}

/** Integer fields must be integers and every field must have its declared type, or InfluxDB rejects the batch. */
/** The assertion surface of a subtest, without naming tap's internal types. */
type Asserts = Pick<typeof t, 'ok' | 'equal'>;

function checkTypes(t: Asserts, points: Point[]): void {
  for (const p of points) {
    const spec = (MEASUREMENTS as Record<string, { fields: Record<string, string> }>)[p.measurement];
    t.ok(spec, `${p.measurement} is a known measurement`);
    for (const [k, v] of Object.entries(p.fields)) {
      const type = spec?.fields[k];
      if (type === 'int') t.ok(Number.isInteger(v), `${p.measurement}.${k} is an integer`);
      if (type === 'float') t.equal(typeof v, 'number', `${p.measurement}.${k} is a number`);
      if (type === 'bool') t.equal(typeof v, 'boolean', `${p.measurement}.${k} is a boolean`);
      if (type === 'string') t.equal(typeof v, 'string', `${p.measurement}.${k} is a string`);
    }
  }
}

t.test('every switch recording is claimed by the right profile with its identity', async (t) => {
  const expected: Record<string, { profile: string; identity: Record<string, string | undefined> }> = {
    procurve_nac: { profile: 'hp-procurve', identity: { vendor: 'HPE Aruba', model: 'J9775A 2530-48G', version: 'YA.16.11.0014', serial: undefined } },
    'arubaos-cx_nac': { profile: 'aruba-cx', identity: { vendor: 'HPE Aruba', os: 'AOS-CX', model: '6100 12G CL4 2SFP+ 139W', version: 'PL.10.08.1050' } },
    'ciscosb_sg350-10': { profile: 'cisco-sb', identity: { vendor: 'Cisco', model: 'SG350-10', version: '1.0.0', serial: undefined } },
    ciscosb_c1200: { profile: 'cisco-sb', identity: { vendor: 'Cisco', model: 'C1200-8T-D', version: '4.1.6.53', serial: 'PSZ28171BEE' } },
    ios_nac: { profile: 'cisco-ios', identity: { vendor: 'Cisco', os: 'IOS', model: 'C2960', version: '15.0(2)SE8' } },
    edgeswitch_10xp: { profile: 'ubiquiti-switch', identity: { vendor: 'Ubiquiti', os: 'EdgeSwitch', model: 'ES-10X', version: '1.1.3' } },
    'edgeswitch_usw-flex-xg': { profile: 'ubiquiti-switch', identity: { vendor: 'Ubiquiti', os: 'UniFi', model: 'USW-Flex-XG', version: '6.2.14.13855', serial: '245a4c19bf12' } },
    netgear: { profile: 'netgear-switch', identity: { vendor: 'Netgear', model: 'GS724Tv4', version: '6.3.1.11' } },
    tplink_sg2008: { profile: 'tplink-switch', identity: { vendor: 'TP-Link', model: 'TL-SG2008 1.0', version: '1.0.5 Build 20160401 Rel.43046' } },
    'jetstream_t2600g-28ts': {
      profile: 'tplink-switch',
      identity: { vendor: 'TP-Link', os: 'JetStream', model: 'T2600G-28TS 3.0', version: '3.0.3 Build 20181101 Rel.42543(s)', serial: '217B851000014' },
    },
    'dlink-dgs1250_28x': { profile: 'dlink-switch', identity: { vendor: 'D-Link', model: 'DGS-1250-28X', version: '2.04.B012', serial: 'SYBV124000121' } },
    powerconnect_2824: { profile: 'dell-powerconnect', identity: { vendor: 'Dell', os: 'PowerConnect', model: 'PowerConnect 2824', version: '1.0.0.45', serial: 'CN000000000000000000000' } },
  };
  const cats = categories();
  const switches = [...cats].filter(([, c]) => c === 'switch').map(([n]) => n);
  t.same(switches.sort(), Object.keys(expected).sort(), 'the expectations cover every switch recording');
  for (const name of switches) {
    const want = expected[name]!;
    const { profile, out } = await run(name);
    t.equal(profile, want.profile, `${name} → ${want.profile}`);
    t.equal(out.identity?.class, 'switch', `${name} class`);
    for (const [k, v] of Object.entries(want.identity)) t.equal((out.identity as Record<string, unknown>)[k], v, `${name} ${k}`);
    checkTypes(t, out.points);
  }
});

t.test('no switch profile claims a recording of another category', async (t) => {
  for (const [name, category] of categories()) {
    if (category === 'switch') continue;
    const ctx = recordingContext(name);
    for (const p of switchProfiles) t.equal(p.match(ctx.sys), 0, `${p.id} leaves ${name} (${category}) alone`);
  }
  t.ok(recordingNames().length >= 47);
});

t.test('values the recordings hold', async (t) => {
  const c1200 = (await run('ciscosb_c1200')).out;
  t.same(sys(c1200), { cpu_pct: 0 }, 'C1200 rlCpuUtilDuringLastMinute');
  t.same(sensor(c1200, 'psu', 'PSU 67109185'), { state: 'normal', ok: true });
  t.equal(c1200.points.filter((p) => p.tags.class === 'psu').length, 1, 'the notPresent second supply is not a PSU point');

  const netgear = (await run('netgear')).out;
  // agentSwitchCpuProcessMemAvailable 536870912 KB, MemFree 342355431 KB (KBytes per the MIB).
  t.same(sys(netgear), { mem_used_pct: 36.23, mem_total_bytes: 536870912 * 1024, temp_c: 24 });
  t.same(sensor(netgear, 'fan', 'Unit 2 Fan 3'), { state: 'operational', ok: true });
  t.same(sensor(netgear, 'temperature', 'Unit 1 Sensor 0'), { value: 23, state: 'normal', ok: true });
  t.equal(netgear.points.filter((p) => p.tags.class === 'fan').length, 12);

  const jet = (await run('jetstream_t2600g-28ts')).out;
  t.same(sys(jet), { cpu_pct: 27, mem_used_pct: 68 }, 'optic temperatures are not the chassis temperature');
  t.same(sensor(jet, 'temperature', '1/0/26 Optic'), { value: 52 });
  t.same(sensor(jet, 'current', '1/0/25 Optic Bias'), { value: 0.009568 });
  t.same(sensor(jet, 'dbm', '1/0/26 Optic TX'), { value: -3.9903 });
  t.same(sensor(jet, 'state', '1/0/25 Optic Loss of Signal'), { value: 0, state: 'False', ok: true });
  t.notOk(jet.points.some((p) => p.tags.name?.startsWith('1/0/27')), 'empty cages (N/A) give no points');

  const dlink = (await run('dlink-dgs1250_28x')).out;
  // DRAM 243268 KB total, 120944 KB free; CPU five-minute 22; one temperature, one fan, one PSU.
  t.same(sys(dlink), { cpu_pct: 22, mem_used_pct: 50.28, mem_total_bytes: 243268 * 1024, temp_c: 30 });
  t.same(sensor(dlink, 'fan', 'Right Fan 1'), { state: 'ok', ok: true });
  t.same(sensor(dlink, 'psu', 'Power 1'), { state: 'inOperation', ok: true });

  const dell = (await run('powerconnect_2824')).out;
  t.same(sys(dell), { cpu_pct: 89, temp_c: 45 }, 'RADLAN rlCpuUtilDuringLastSecond and the old-layout unit temperature');
  t.same(sensor(dell, 'temperature', 'Sensor 1'), { value: 45 });

  for (const name of ['procurve_nac', 'arubaos-cx_nac', 'ios_nac', 'tplink_sg2008', 'edgeswitch_10xp', 'edgeswitch_usw-flex-xg', 'ciscosb_sg350-10']) {
    t.same((await run(name)).out.points, [], `${name} holds no health rows: absent data is absent fields, not zeros`);
  }
});

t.test('profiles report a device that does not answer as empty, not as an exception', async (t) => {
  const empty: ProfileContext = { snmp: new RecordingClient([]), sys: { sysDescr: '', sysObjectID: '' }, log: silentLogger, now: 0 };
  for (const p of switchProfiles) {
    const out = await p.collect(empty);
    t.same(out.points, [], `${p.id}`);
  }
});

const vb = (oid: string, value: number | string, type: number = SnmpType.Integer): Varbind => ({
  oid,
  type,
  value: typeof value === 'string' ? Buffer.from(value) : value,
});

function ctxOf(varbinds: Varbind[], sysObjectID = '1.3.6.1.4.1.9.1.1', sysDescr = ''): ProfileContext {
  return { snmp: new RecordingClient(varbinds), sys: { sysDescr, sysObjectID }, log: silentLogger, now: 0 };
}

t.test('ENTITY-SENSOR scaling follows RFC 3433', async (t) => {
  t.equal(scaleSensorValue(25, 9, 0), 25, 'units, no precision');
  t.equal(scaleSensorValue(253, 9, 1), 25.3, 'precision 1: tenths');
  t.equal(scaleSensorValue(12050, 8, 0), 12.05, 'milli');
  t.equal(scaleSensorValue(3300, 8, 1), 0.33, 'milli with one decimal');
  t.equal(scaleSensorValue(2, 10, 0), 2000, 'kilo');
  t.equal(scaleSensorValue(1500, 7, 0), 0.0015, 'micro');
  t.equal(scaleSensorValue(1234, 9, -2), 1234, 'negative precision counts accurate digits, it does not scale');
  t.equal(scaleSensorValue(7, 11, 0), 7e6, 'mega');
  t.equal(scaleSensorValue(5, 14, 0), 5e15, 'exa(14) is 10^15 as the RFC writes it');

  const S = '1.3.6.1.2.1.99.1.1.1';
  const E = '1.3.6.1.2.1.47.1.1.1.1';
  const rows = [
    // index, type, scale, precision, value, status, name
    [10, 8, 9, 1, 415, 1, 'Inlet'],
    [11, 4, 8, 0, 12050, 1, 'PSU 12V'],
    [12, 8, 9, 0, 80, 2, 'Broken probe'],
    [13, 8, 9, 0, 55, 1, 'Gi1/0/1 Transceiver'],
    [14, 8, 9, 0, 1_000_000_000, 1, 'Overflowing'],
  ] as const;
  const vbs: Varbind[] = [];
  for (const [i, type, scale, prec, value, status, name] of rows) {
    vbs.push(vb(`${S}.1.${i}`, type), vb(`${S}.2.${i}`, scale), vb(`${S}.3.${i}`, prec), vb(`${S}.4.${i}`, value), vb(`${S}.5.${i}`, status));
    vbs.push(vb(`${E}.7.${i}`, name, SnmpType.OctetString));
  }
  const out = await entitySensorCollector.collect(ctxOf(vbs));
  const f = (cls: string, name: string) => out.points.find((p) => p.tags.class === cls && p.tags.name === name)?.fields;
  t.same(f('temperature', 'Inlet'), { value: 41.5, state: 'ok', ok: true });
  t.same(f('voltage', 'PSU 12V'), { value: 12.05, state: 'ok', ok: true });
  t.same(f('temperature', 'Broken probe'), { state: 'unavailable', ok: false }, 'a stale value is not reported');
  t.same(f('temperature', 'Overflowing'), { state: 'ok', ok: true }, 'the overflow marker is not a temperature');
  t.same(out.points.find((p) => p.measurement === 'system')?.fields, { temp_c: 41.5 }, 'hottest chassis sensor; the optic (55) does not count');
});

t.test('ENTITY-SENSOR on a real recording (Cisco ASA)', async (t) => {
  const out = await entitySensorCollector.collect(recordingContext('asa'));
  const f = (cls: string, name: string) => out.points.find((p) => p.tags.class === cls && p.tags.name === name)?.fields;
  t.same(f('fan', 'Chassis Fan Sensor 1'), { value: 4864, state: 'ok', ok: true });
  t.same(f('temperature', 'CPU Temperature Sensor 0/0'), { value: 67, state: 'ok', ok: true });
  t.same(f('state', 'Power Supply 0 Presence Sensor'), { value: 1, state: 'ok', ok: true }, 'truthvalue true(1)');
  t.same(out.points.find((p) => p.measurement === 'system')?.fields, { temp_c: 67 });
  checkTypes(t, out.points);
});

t.test('PoE: PSE budget and use per unit, detection status per port', async (t) => {
  const M = '1.3.6.1.2.1.105.1.3.1.1';
  const P = '1.3.6.1.2.1.105.1.1.1';
  const vbs = [
    vb(`${M}.2.1`, 370, SnmpType.Gauge32),
    vb(`${M}.3.1`, 1),
    vb(`${M}.4.1`, 42, SnmpType.Gauge32),
    vb(`${P}.3.1.1`, 1),
    vb(`${P}.6.1.1`, 3),
    vb(`${P}.3.1.2`, 1),
    vb(`${P}.6.1.2`, 4),
    vb(`${P}.3.1.3`, 2),
    vb(`${P}.6.1.3`, 1),
  ];
  const out = await poeCollector.collect(ctxOf(vbs));
  const f = (cls: string, name: string) => out.points.find((p) => p.tags.class === cls && p.tags.name === name)?.fields;
  t.same(f('power', 'PoE PSE 1 budget'), { value: 370 });
  t.same(f('power', 'PoE PSE 1 used'), { value: 42 });
  t.same(f('power', 'PoE PSE 1 available'), { value: 328 });
  t.same(f('psu', 'PoE PSE 1'), { state: 'on', ok: true });
  t.same(f('poe', 'PoE port 1/1'), { state: 'deliveringPower', ok: true, value: 1 });
  t.same(f('poe', 'PoE port 1/2'), { state: 'fault', ok: false, value: 0 });
  t.notOk(f('poe', 'PoE port 1/3'), 'an admin-disabled port is skipped');
  t.same(poePoints([], []), []);
  t.same((await poeCollector.collect(recordingContext('ciscosb_c1200'))).points, [], 'no PSE table, no points');
});

t.test('FASTPATH CPU text and RADLAN table layouts', async (t) => {
  t.equal(parseCpuUtilization('    5 Secs (  7.3872%)   60 Secs ( 11.8040%)  300 Secs ( 11.2942%)'), 11.8);
  t.equal(parseCpuUtilization('garbage'), undefined);
  t.equal(parseCpuUtilization(undefined), undefined);

  const B = '1.3.6.1.4.1.9.6.1.101';
  // Current layout: fans 4–9 (RlEnvMonState), temperature 10, uptime 14.
  const current = await readRadlan(ctxOf([vb(`${B}.53.15.1.4.1`, 1), vb(`${B}.53.15.1.9.1`, 5), vb(`${B}.53.15.1.10.1`, 38), vb(`${B}.53.15.1.14.1`, 1000, SnmpType.TimeTicks), vb(`${B}.1.8.0`, 101), vb(`${B}.1.9.0`, 7)]), B);
  t.same(current.readings, [{ class: 'temperature', name: 'Sensor 1', value: 38 }, { class: 'fan', name: 'Fan 1', state: 'normal', ok: true }]);
  t.equal(current.cpu_pct, 7, '101 means "not measured"; the 5-minute figure is used instead');
  // Old layout: temperature in column 9, uptime (TimeTicks) in 11, second sensor in 12.
  const old = await readRadlan(ctxOf([vb(`${B}.53.15.1.9.1`, 41), vb(`${B}.53.15.1.11.1`, 1000, SnmpType.TimeTicks), vb(`${B}.53.15.1.12.1`, 43)]), B);
  t.same(old.readings.map((r) => [r.name, r.value]), [['Sensor 1', 41], ['Sensor 2', 43]]);
});

t.test('identity parsers', async (t) => {
  t.same(parseProcurveDescr('HP J9775A 2530-48G Switch, revision YA.16.11.0014, ROM YA.15.20 (/ws/…) (Formerly ProCurve)'), { model: 'J9775A 2530-48G', version: 'YA.16.11.0014' });
  t.same(parseProcurveDescr('Aruba JL322A 2930M-48G Switch, revision WC.16.10.0012, ROM WC.17.02.0006'), { model: 'JL322A 2930M-48G', version: 'WC.16.10.0012' });
  t.same(parseIosDescr('Cisco IOS Software [Amsterdam], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.3.4, RELEASE SOFTWARE (fc3)').version, '17.3.4');
  t.same(dlinkRoots('1.3.6.1.4.1.171.10.165.1.1'), ['1.3.6.1.4.1.171.11.165.1000.5.1', '1.3.6.1.4.1.171.14.5.1']);
  t.same(dlinkRoots('1.3.6.1.4.1.171.10.153.2.1'), ['1.3.6.1.4.1.171.11.153.1000.5.1', '1.3.6.1.4.1.171.14.5.1']);
});

t.test('match scores rank specific over vague', async (t) => {
  const score = (id: string, sysObjectID: string, sysDescr: string) => switchProfiles.find((p) => p.id === id)!.match({ sysObjectID, sysDescr });
  t.equal(score('cisco-ios', '1.3.6.1.4.1.9.1.2404', 'Cisco Adaptive Security Appliance Version 9.12(2)'), 0, 'an ASA is not IOS');
  t.ok(score('cisco-ios', '1.3.6.1.4.1.9.1.1208', 'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3') === 100);
  t.ok(score('cisco-ios', '1.3.6.1.4.1.9.1.1', 'Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M), Version 15.7(3)M') < 50, 'an IOS router is only a faint claim');
  t.equal(score('cisco-ios', '1.3.6.1.4.1.9.1.3210', 'Catalyst 1200 Series Smart Switch, 8-port GE, Desktop, Ext PS, PoE Input (C1200-8T-D)'), 0);
  t.equal(score('cisco-sb', '1.3.6.1.4.1.9.6.1.82.28.1', 'CBS350-24P-4G 24-Port Gigabit PoE Managed Switch'), 100);
  t.equal(score('ubiquiti-switch', '1.3.6.1.4.1.4413', 'EdgeSwitch 24-Port 250W, 1.7.1.4993748, Linux 3.6.5-f4a26ed5'), 100);
  t.equal(score('netgear-switch', '1.3.6.1.4.1.4526.100.16.1', 'ReadyNAS 2120'), 0, 'a ReadyNAS is not a switch');
});

t.test('Cisco IOS: CPU, processor memory pool and ENVMON from MIB-shaped rows', async (t) => {
  const ios = switchProfiles.find((p) => p.id === 'cisco-ios')!;
  const E = '1.3.6.1.4.1.9.9.13.1';
  const MP = '1.3.6.1.4.1.9.9.48.1.1.1';
  const out = await ios.collect(
    ctxOf(
      [
        vb('1.3.6.1.4.1.9.9.109.1.1.1.1.8.1', 12, SnmpType.Gauge32),
        vb('1.3.6.1.4.1.9.9.109.1.1.1.1.8.2', 30, SnmpType.Gauge32),
        vb(`${MP}.2.1`, 'Processor', SnmpType.OctetString),
        vb(`${MP}.5.1`, 60_000_000, SnmpType.Gauge32),
        vb(`${MP}.6.1`, 40_000_000, SnmpType.Gauge32),
        vb(`${MP}.2.2`, 'I/O', SnmpType.OctetString),
        vb(`${MP}.5.2`, 9, SnmpType.Gauge32),
        vb(`${MP}.6.2`, 1, SnmpType.Gauge32),
        vb(`${E}.3.1.2.1006`, 'SW#1, Sensor#1, GREEN', SnmpType.OctetString),
        vb(`${E}.3.1.3.1006`, 41, SnmpType.Gauge32),
        vb(`${E}.3.1.6.1006`, 1),
        vb(`${E}.4.1.2.1004`, 'Switch#1, Fan#1', SnmpType.OctetString),
        vb(`${E}.4.1.3.1004`, 1),
        vb(`${E}.5.1.2.1003`, 'Sw1, PS1 Normal, RPS NotExist', SnmpType.OctetString),
        vb(`${E}.5.1.3.1003`, 1),
        vb(`${E}.5.1.2.1004`, 'Sw1, PS2', SnmpType.OctetString),
        vb(`${E}.5.1.3.1004`, 5),
        vb('1.3.6.1.2.1.47.1.1.1.1.5.1001', 3),
        vb('1.3.6.1.2.1.47.1.1.1.1.13.1001', 'WS-C2960X-48FPD-L', SnmpType.OctetString),
        vb('1.3.6.1.2.1.47.1.1.1.1.11.1001', 'FOC1234X0AB', SnmpType.OctetString),
      ],
      '1.3.6.1.4.1.9.1.1208',
      'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc3)',
    ),
  );
  t.same(out.identity, { class: 'switch', vendor: 'Cisco', os: 'IOS', model: 'WS-C2960X-48FPD-L', version: '15.2(7)E3', serial: 'FOC1234X0AB' });
  t.same(sys(out), { cpu_pct: 30, mem_used_pct: 60, mem_total_bytes: 100_000_000, temp_c: 41 }, 'busiest stack member, Processor pool');
  t.same(sensor(out, 'psu', 'Sw1, PS1 Normal, RPS NotExist'), { state: 'normal', ok: true });
  t.notOk(sensor(out, 'psu', 'Sw1, PS2'), 'an empty PSU bay is not a failed PSU');
  t.same(sensor(out, 'fan', 'Switch#1, Fan#1'), { state: 'normal', ok: true });
});

t.test('HP ProCurve: CPU, memory and chassis sensors from MIB-shaped rows', async (t) => {
  const hp = switchProfiles.find((p) => p.id === 'hp-procurve')!;
  const S = '1.3.6.1.4.1.11.2.14.11.1.2.6.1';
  const M = '1.3.6.1.4.1.11.2.14.11.5.1.1.2.1.1.1';
  const out = await hp.collect(
    ctxOf(
      [
        vb('1.3.6.1.4.1.11.2.14.11.5.1.9.6.1.0', 7),
        vb(`${M}.5.1`, 400_000_000),
        vb(`${M}.6.1`, 300_000_000),
        vb(`${S}.4.1`, 4),
        vb(`${S}.7.1`, 'Fan Sensor', SnmpType.OctetString),
        vb(`${S}.4.2`, 2),
        vb(`${S}.7.2`, 'Power Supply Sensor', SnmpType.OctetString),
        vb(`${S}.4.3`, 5),
        vb(`${S}.7.3`, 'Redundant Power Supply Sensor', SnmpType.OctetString),
        vb('1.3.6.1.4.1.11.2.14.11.1.2.8.1.1.2.0', 'sys-1', SnmpType.OctetString),
        vb('1.3.6.1.4.1.11.2.14.11.1.2.8.1.1.3.0', '31C', SnmpType.OctetString),
      ],
      '1.3.6.1.4.1.11.2.3.7.11.139',
      'HP J9775A 2530-48G Switch, revision YA.16.11.0014, ROM YA.15.20',
    ),
  );
  t.same(sys(out), { cpu_pct: 7, mem_used_pct: 25, mem_total_bytes: 400_000_000, temp_c: 31 });
  t.same(sensor(out, 'fan', 'Fan Sensor'), { state: 'good', ok: true });
  t.same(sensor(out, 'psu', 'Power Supply Sensor'), { state: 'bad', ok: false });
  t.notOk(sensor(out, 'psu', 'Redundant Power Supply Sensor'), 'notPresent rows are skipped');
  t.same(sensor(out, 'temperature', 'Air sys-1'), { value: 31 });
});

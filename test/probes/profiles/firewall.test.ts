import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, recordingContext, recordingNames } from '../../helpers/fixtures.js';
import { firewallProfiles } from '../../../probes/profiles/firewall/index.js';
import { selectProfile } from '../../../probes/profiles/index.js';
import { RecordingClient, parseSnmprec } from '../../../probes/snmp/recording.js';
import { fortiHaState, fortiModel } from '../../../probes/profiles/firewall/fortigate.js';
import { sophosHaState } from '../../../probes/profiles/firewall/sophos.js';
import { asaHaState } from '../../../probes/profiles/firewall/asa.js';
import { SCORE, licenseNames, parseExpiry } from '../../../probes/profiles/firewall/common.js';
import { matchOpnsense, matchPfsense } from '../../../probes/profiles/firewall/freebsd.js';
import { MEASUREMENTS } from '../../../probes/measurements.js';
import type { Point } from '../../../probes/types.js';
import type { ProfileContext, SysInfo } from '../../../probes/profiles/types.js';
import { silentLogger } from '../../../probes/types.js';

/** MANIFEST.tsv category per recording: the ground truth of what each capture is. */
const CATEGORY = new Map(
  readFileSync(join(FIXTURES, 'snmp', 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t') as [string, string]),
);

function best(sys: SysInfo) {
  let id: string | undefined;
  let score = 0;
  for (const p of firewallProfiles) {
    const s = p.match(sys);
    if (s > score) [id, score] = [p.id, s];
  }
  return id;
}

function find(points: Point[], measurement: string, tags: Record<string, string> = {}): Point | undefined {
  return points.find((p) => p.measurement === measurement && Object.entries(tags).every(([k, v]) => p.tags[k] === v) && Object.keys(p.tags).length === Object.keys(tags).length);
}

/**
 * What each firewall recording holds, read by hand from the .snmprec and the vendor MIB (see README.md for
 * the OIDs). `points` lists measurement → tags → exact fields; any point not listed must not exist.
 */
interface Expect {
  profile: string;
  identity: Record<string, string | undefined>;
  points: Array<[string, Record<string, string>, Record<string, unknown>]>;
}
const EXPECTED: Record<string, Expect> = {
  pfsense: {
    profile: 'pfsense',
    identity: { vendor: 'Netgate', os: 'pfSense', version: '2.3.2-RELEASE', model: undefined },
    points: [
      // ssCpuIdle 100; memTotalReal 4146732 KB − avail 3634792 − buffer 17536 − cached 195496 = 298908 KB
      ['system', {}, { cpu_pct: 0, mem_used_pct: 7.208, mem_total_bytes: 4246253568 }],
      ['firewall', {}, { sessions: 140 }], // BEGEMOT-PF pfStateTableCount
    ],
  },
  opnsense_vm: { profile: 'opnsense', identity: { vendor: 'Deciso', os: 'OPNsense', version: '21.1' }, points: [] },
  fortigate_60f: {
    profile: 'fortigate',
    identity: { vendor: 'Fortinet', os: 'FortiOS', model: 'FortiGate 60F', version: 'v7.2.6,build1575,230926 (GA.F)', serial: 'FGT60FTK00000000' },
    points: [
      ['system', {}, { cpu_pct: 0, mem_used_pct: 33, mem_total_bytes: 1963972 * 1024, temp_c: 51.569 }],
      // no fgHaSystemMode/fgVdEntHaState in the capture: primary because fgHaStatsMasterSerial = our serial
      ['firewall', {}, { sessions: 174, vpn_tunnels_up: 1, ha_state: 'primary' }],
      ['sensor', { class: 'temperature', name: 'CPU ON-DIE Temperature' }, { value: 51.569, ok: true }],
      ['sensor', { class: 'temperature', name: 'B50182 Temperature' }, { value: 46.381, ok: true }],
      ['sensor', { class: 'temperature', name: 'B50210_1 Temperature' }, { value: 39.636, ok: true }],
      ['sensor', { class: 'temperature', name: 'B50210_2 Temperature' }, { value: 37.414, ok: true }],
    ],
  },
  fortigate_100e: {
    profile: 'fortigate',
    identity: { model: 'FortiGate 100E', version: 'v5.4.4,build7650,170529 (GA)', serial: 'FG100E4Q17011652' },
    points: [
      ['system', {}, { cpu_pct: 6, mem_used_pct: 22, mem_total_bytes: 3113068 * 1024 }],
      ['firewall', {}, { sessions: 1380, vpn_tunnels_up: 2 }],
    ],
  },
  sonicwall_sonicos7: {
    profile: 'sonicwall',
    identity: { vendor: 'SonicWall', os: 'SonicOS', model: 'TZ 570', version: '7.0.1-R1456', serial: '2CB8ED6DFE5C' },
    points: [
      ['system', {}, { mem_used_pct: 36 }],
      ['firewall', {}, { sessions: 573, sessions_max: 375000, vpn_tunnels_up: 0 }],
    ],
  },
  asa: {
    profile: 'cisco-asa',
    identity: { vendor: 'Cisco', os: 'ASA', model: 'ASA5555', version: '9.12(2)', serial: 'FGL1641413L' },
    points: [
      // "System memory" HC used 1944140480 + HC free 5215214790 (the 32-bit free column has wrapped)
      ['system', {}, { mem_used_pct: 27.155, mem_total_bytes: 7159355270 }],
      ['firewall', {}, { sessions: 7756, vpn_tunnels_up: 0, ha_state: 'active' }],
    ],
  },
  'sophos-xg': {
    profile: 'sophos-sfos',
    identity: { vendor: 'Sophos', os: 'SFOS', model: 'SFVH_SO01_SFOS', version: '18.0.1 MR-1-Build396', serial: 'C01001GF24TPDE1' },
    points: [
      ['system', {}, { cpu_pct: 18.5 }], // hrProcessorLoad 22 and 15
      ['firewall', {}, { vpn_tunnels_up: 4, ha_state: 'standalone' }],
      ['license', { name: 'network_protection' }, { status: 'evaluating' }],
      ['license', { name: 'web_protection' }, { status: 'evaluating' }],
      ['license', { name: 'email_protection' }, { status: 'evaluating' }],
      ['license', { name: 'webserver_protection' }, { status: 'evaluating' }],
      ['license', { name: 'sandstorm' }, { status: 'not_subscribed' }],
      ['license', { name: 'support' }, { status: 'evaluating' }],
      ['license', { name: 'support_plus' }, { status: 'not_subscribed' }],
      ['license', { name: 'central_orchestration' }, { status: 'not_subscribed' }],
    ],
  },
  edgeos: {
    profile: 'edgeos',
    identity: { vendor: 'Ubiquiti', os: 'EdgeOS', version: '1.8.0', model: undefined },
    // ssCpuIdle 94; (2036504 − 1658576 − 33680 − 204600) / 2036504
    points: [['system', {}, { cpu_pct: 6, mem_used_pct: 6.857, mem_total_bytes: 2036504 * 1024 }]],
  },
  routeros_rb750gr3: {
    profile: 'routeros',
    identity: { vendor: 'MikroTik', os: 'RouterOS', model: 'RB750Gr3', version: '7.20.4', serial: '6F3A071688EA' },
    points: [
      ['system', {}, { cpu_pct: 6, mem_used_pct: 24.072, mem_total_bytes: 262144 * 1024, temp_c: 38 }],
      ['firewall', {}, { sessions: 224 }],
      ['sensor', { class: 'temperature', name: 'temperature' }, { value: 38 }],
      ['sensor', { class: 'voltage', name: 'voltage' }, { value: 24.3 }],
      ['license', { name: 'routeros' }, { level: 4 }],
    ],
  },
  zyxelusg_usgflex100: {
    profile: 'zyxel-usg',
    identity: { vendor: 'Zyxel', model: 'USG FLEX 100H', version: '1.31(ABXF.0)', serial: 'S222L03100069' },
    points: [
      ['system', {}, { cpu_pct: 15, mem_used_pct: 72 }],
      ['firewall', {}, { sessions: 103 }],
    ],
  },
  draytek_vigor2962: {
    profile: 'draytek',
    identity: { vendor: 'DrayTek', model: 'Vigor2962', version: '4.3.2.5' },
    points: [['system', {}, { cpu_pct: 6, mem_used_pct: 67 }]],
  },
  fireware_m400: { profile: 'watchguard', identity: { vendor: 'WatchGuard', os: 'Fireware', model: 'M400' }, points: [] },
  merakimx: { profile: 'meraki-mx', identity: { vendor: 'Cisco Meraki', model: 'MX65W' }, points: [] },
};

t.test('every firewall recording is covered by this test', async (t) => {
  const firewalls = recordingNames().filter((n) => CATEGORY.get(n) === 'firewall');
  t.same(firewalls.sort(), Object.keys(EXPECTED).sort());
});

for (const [name, exp] of Object.entries(EXPECTED)) {
  t.test(`${name}: identified by ${exp.profile} and reports what the recording holds`, async (t) => {
    const ctx = recordingContext(name);
    t.equal(best(ctx.sys), exp.profile, 'best firewall profile');
    t.equal(selectProfile(ctx.sys)?.id, exp.profile, 'no other family outbids it');
    const profile = firewallProfiles.find((p) => p.id === exp.profile)!;
    t.equal(profile.class, 'firewall');
    const out = await profile.collect(ctx);
    t.same(out.errors ?? [], [], 'no errors');
    for (const [k, v] of Object.entries(exp.identity)) t.equal(out.identity?.[k as 'model'], v, `identity.${k}`);
    for (const [m, tags, fields] of exp.points) {
      const p = find(out.points, m, tags);
      t.ok(p, `${m} ${JSON.stringify(tags)} present`);
      t.same(p?.fields, fields, `${m} ${JSON.stringify(tags)} fields`);
    }
    t.equal(out.points.length, exp.points.length, 'no unexpected points');
  });
}

t.test('integer fields stay integers and every field has its declared type', async (t) => {
  for (const name of Object.keys(EXPECTED)) {
    const ctx = recordingContext(name);
    const out = await firewallProfiles.find((p) => p.id === EXPECTED[name]!.profile)!.collect(ctx);
    for (const p of out.points) {
      const spec = (MEASUREMENTS as Record<string, { fields: Record<string, string> }>)[p.measurement];
      t.ok(spec, `${name}: ${p.measurement} is a known measurement`);
      for (const [f, v] of Object.entries(p.fields)) {
        const type = spec?.fields[f];
        if (type === 'int') t.ok(Number.isInteger(v), `${name} ${p.measurement}.${f}=${String(v)} is an integer`);
        if (type === 'float') t.equal(typeof v, 'number', `${name} ${p.measurement}.${f} is a number`);
        if (type === 'string') t.equal(typeof v, 'string', `${name} ${p.measurement}.${f} is a string`);
      }
    }
  }
});

t.test('no firewall profile claims a recording of another category', async (t) => {
  for (const name of recordingNames()) {
    if (CATEGORY.get(name) === 'firewall') continue;
    const sys = recordingContext(name).sys;
    for (const p of firewallProfiles) t.equal(p.match(sys), 0, `${p.id} leaves ${name} (${CATEGORY.get(name)}) alone`);
  }
});

t.test('a plain FreeBSD or Linux server is not called a firewall without evidence', async (t) => {
  const plain: SysInfo[] = [
    { sysObjectID: '1.3.6.1.4.1.8072.3.2.8', sysDescr: 'FreeBSD files 13.2-RELEASE-p4 FreeBSD 13.2-RELEASE-p4 releng/13.2-n254638-ae2f9d3b5a31 GENERIC amd64' },
    { sysObjectID: '1.3.6.1.4.1.12325.1.1.2.1.1', sysDescr: 'FreeBSD nas 14.0-STABLE FreeBSD 14.0-STABLE stable/14-n265942 amd64' },
    { sysObjectID: '1.3.6.1.4.1.8072.3.2.8', sysDescr: 'FreeBSD hbsd 13.0-STABLE-HBSD FreeBSD 13.0-STABLE-HBSD #0 amd64' },
    { sysObjectID: '1.3.6.1.4.1.8072.3.2.10', sysDescr: 'Linux usg-build 5.15.0 #1 SMP x86_64' },
  ];
  for (const sys of plain) t.equal(best(sys), undefined, sys.sysDescr);
});

t.test('pfSense and OPNsense outbid a generic server match made from sysDescr', async (t) => {
  t.ok(matchPfsense(recordingContext('pfsense').sys) > SCORE.descr);
  t.ok(matchOpnsense(recordingContext('opnsense_vm').sys) > SCORE.descr);
  // OPNsense 22.1+ is FreeBSD again (no HBSD) but keeps its stable/YY.M branch in sysDescr.
  const newer = { sysObjectID: '1.3.6.1.4.1.8072.3.2.8', sysDescr: 'FreeBSD fw 13.2-RELEASE-p7 FreeBSD 13.2-RELEASE-p7 stable/24.1-n254970-a1b2c3d SMP amd64' };
  t.equal(best(newer), 'opnsense');
  t.equal(best({ sysObjectID: '1.3.6.1.4.1.8072.3.2.10', sysDescr: 'OPNsense.localdomain 24.7' }), 'opnsense');
});

t.test('vendor families that share an enterprise with other product lines are told apart', async (t) => {
  const L = '1.3.6.1.4.1.8072.3.2.10';
  t.equal(best({ sysObjectID: L, sysDescr: 'USG60W' }), 'zyxel-usg');
  t.equal(best({ sysObjectID: L, sysDescr: 'USG20W-VPN' }), 'zyxel-usg');
  t.equal(best({ sysObjectID: '1.3.6.1.4.1.890.1.15', sysDescr: 'ATP200' }), 'zyxel-usg');
  t.equal(best({ sysObjectID: L, sysDescr: 'USG-3P' }), undefined, "Ubiquiti's USG is not a Zyxel");
  t.equal(best({ sysObjectID: '1.3.6.1.4.1.890.1.5.8.47', sysDescr: 'GS1920-24HP' }), undefined, 'Zyxel switch');
  t.equal(best({ sysObjectID: '1.3.6.1.4.1.29671.2.107', sysDescr: 'Meraki MR42 Cloud Managed AP' }), undefined, 'Meraki AP');
  t.equal(best({ sysObjectID: '1.3.6.1.4.1.41112.1.5', sysDescr: 'EdgeSwitch 24-Port Lite' }), undefined, 'EdgeSwitch');
  t.equal(best({ sysObjectID: '1.3.6.1.4.1.9.1.1208', sysDescr: 'Cisco IOS Software, C2960X Software' }), undefined, 'Cisco IOS switch');
  const crs = firewallProfiles.find((p) => p.id === 'routeros')!.match({ sysObjectID: '1.3.6.1.4.1.14988.1', sysDescr: 'RouterOS CRS326-24G-2S+' });
  t.ok(crs > 0 && crs < SCORE.descr, 'a RouterOS CRS switch is recognised weakly so a switch profile can win');
});

t.test('HA enums map to short states', async (t) => {
  t.equal(fortiHaState(1, undefined), 'standalone', 'FgHaMode standalone(1)');
  t.equal(fortiHaState(3, 1), 'primary', 'FgHaState primary(1)');
  t.equal(fortiHaState(3, 2), 'secondary', 'FgHaState secondary(2)');
  t.equal(fortiHaState(2, 3), 'standalone', 'FgHaState standalone(3)');
  t.equal(fortiHaState(3, undefined, 'FGT1', 'FGT2'), 'secondary', 'not the primary serial');
  t.equal(fortiHaState(3, undefined, 'FGT1', 'FGT1'), 'primary', 'the primary serial');
  t.equal(fortiHaState(3, undefined), 'active-passive', 'only the mode is known');
  t.equal(fortiHaState(undefined, undefined), undefined);

  t.equal(sophosHaState(0, 0), 'standalone', 'sfosHAStatus disabled(0)');
  t.equal(sophosHaState(1, 3), 'primary', 'primary(3)');
  t.equal(sophosHaState(1, 1), 'secondary', 'auxiliary(1)');
  t.equal(sophosHaState(1, 4), 'faulty', 'faulty(4)');
  t.equal(sophosHaState(1, 5), 'ready', 'ready(5)');
  t.equal(sophosHaState(1, 2), 'standalone', 'standAlone(2)');
  t.equal(sophosHaState(1, 0), undefined, 'notapplicable(0) while enabled says nothing');

  const unit = (value: number, detail = '') => [
    { information: 'Primary unit (this device)', value, detail },
    { information: 'Secondary unit', value: value === 9 ? 10 : 9 },
  ];
  t.equal(asaHaState(unit(9)), 'active', 'HardwareStatus active(9)');
  t.equal(asaHaState(unit(10)), 'standby', 'HardwareStatus standby(10)');
  t.equal(asaHaState(unit(3, 'Failover Off')), 'standalone', 'down(3), failover off');
  t.equal(asaHaState([{ information: 'Failover LAN Interface', value: 2 }]), undefined, 'no row is this device');
});

t.test('FortiGate model names', async (t) => {
  t.equal(fortiModel('FGT_60F'), 'FortiGate 60F');
  t.equal(fortiModel('FWF_61F'), 'FortiWiFi 61F');
  t.equal(fortiModel('FGT100E'), 'FortiGate 100E');
  t.equal(fortiModel('FGVM64'), 'FortiGate-VM64');
});

t.test('licence expiry text parses as UTC', async (t) => {
  t.equal(parseExpiry('Sat Jul 26 01:00:00 2025'), Date.UTC(2025, 6, 26, 1) / 1000, 'FortiOS ctime');
  t.equal(parseExpiry('Nov 10 2021'), Date.UTC(2021, 10, 10) / 1000, 'SFOS');
  t.equal(parseExpiry('2027-03-15'), Date.UTC(2027, 2, 15) / 1000, 'ISO');
  t.equal(parseExpiry(Buffer.from([0x07, 0xeb, 3, 15, 0, 0, 0, 0])), Date.UTC(2027, 2, 15) / 1000, 'DateAndTime');
  t.equal(parseExpiry(Buffer.from([0, 0, 1, 1, 0, 0, 0, 0])), undefined, 'all-zero DateAndTime');
  t.equal(parseExpiry('N/A'), undefined);
  t.equal(parseExpiry(''), undefined);
});

t.test('licence names are short and never collide', async (t) => {
  t.same(licenseNames(['FortiCare Support', 'Firmware & General Updates', 'Advanced Malware Protection', 'Intrusion Prevention', 'Web Filtering', 'Email Filtering']), [
    'support',
    'firmware_general_updates',
    'antivirus',
    'ips',
    'web_filter',
    'antispam',
  ]);
});

/** A context answering from hand-written snmprec lines, for values no recording holds (licence dates). */
function fakeContext(sys: SysInfo, lines: string[], now = Date.UTC(2026, 10, 28)): ProfileContext {
  return { snmp: new RecordingClient(parseSnmprec(lines.join('\n'))), sys, log: silentLogger, now };
}

t.test('FortiGate licence contracts become license points with days_left from ctx.now', async (t) => {
  const C = '1.3.6.1.4.1.12356.101.4.6.3.1.2.1';
  const ctx = fakeContext({ sysObjectID: '1.3.6.1.4.1.12356.101.1.644', sysDescr: '' }, [
    `${C}.1.1|4|Advanced Malware Protection`,
    `${C}.1.2|4|Intrusion Prevention`,
    `${C}.1.3|4|FortiCare Support`,
    `${C}.1.4|4|Web Filtering`,
    `${C}.2.1|4|Thu Nov 27 00:00:00 2025`, // the antivirus that expired a year ago
    `${C}.2.2|4|Fri Jan 01 00:00:00 2027`,
    `${C}.2.3|4|Sat Nov 28 12:00:00 2026`, // expires later today: 0 days left, not 1
    `${C}.2.4|4|Fri Nov 27 23:00:00 2026`, // expired an hour before midnight: −1
  ]);
  const fg = firewallProfiles.find((p) => p.id === 'fortigate')!;
  const out = await fg.collect(ctx);
  const lic = (name: string) => find(out.points, 'license', { name })?.fields;
  t.same(lic('antivirus'), { expires_at: 1764201600, days_left: -366, description: 'Advanced Malware Protection' });
  t.same(lic('ips'), { expires_at: 1798761600, days_left: 34, description: 'Intrusion Prevention' });
  t.same(lic('support'), { expires_at: 1795867200, days_left: 0, description: 'FortiCare Support' });
  t.same(lic('web_filter'), { expires_at: 1795820400, days_left: -1, description: 'Web Filtering' });
});

t.test('Sophos subscriptions carry status and expiry', async (t) => {
  const L = '1.3.6.1.4.1.2604.5.1.5';
  const ctx = fakeContext({ sysObjectID: '1.3.6.1.4.1.2604.5', sysDescr: 'Linux' }, [
    `${L}.1.1.0|2|3`,
    `${L}.1.2.0|4|Dec 31 2999`,
    `${L}.3.1.0|2|4`,
    `${L}.3.2.0|4|Nov 10 2021`,
  ]);
  const out = await firewallProfiles.find((p) => p.id === 'sophos-sfos')!.collect(ctx);
  t.same(find(out.points, 'license', { name: 'firewall' })?.fields, { expires_at: 32503593600, days_left: 355414, status: 'subscribed' });
  t.same(find(out.points, 'license', { name: 'web_protection' })?.fields, { expires_at: 1636502400, days_left: -1844, status: 'expired' });
});

t.test('WatchGuard feature key and MikroTik upgrade date read as DateAndTime', async (t) => {
  const wg = fakeContext({ sysObjectID: '1.3.6.1.4.1.3097.1.5.49', sysDescr: 'T40' }, [
    '1.3.6.1.4.1.3097.6.1.5.0|4x|07eb030f00000000',
    '1.3.6.1.4.1.3097.6.3.77.0|70|1234',
    '1.3.6.1.4.1.3097.6.3.80.0|70|812',
  ]);
  const out = await firewallProfiles.find((p) => p.id === 'watchguard')!.collect(wg);
  t.same(find(out.points, 'license', { name: 'feature_key' })?.fields, { expires_at: 1805068800, days_left: 107 });
  t.same(find(out.points, 'system')?.fields, { cpu_pct: 12.34 });
  t.same(find(out.points, 'firewall')?.fields, { sessions: 812 });
  t.equal(out.identity?.model, 'T40');
});

t.test('an agent that answers nothing beyond the system group yields identity and no errors', async (t) => {
  for (const p of firewallProfiles) {
    const ctx = fakeContext({ sysObjectID: '1.3.6.1.4.1.1', sysDescr: '' }, []);
    const out = await p.collect(ctx);
    t.same(out.errors ?? [], [], `${p.id}: no errors`);
    t.ok(out.points.every((pt) => Object.keys(pt.fields).length > 0), `${p.id}: no empty points`);
  }
});

import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, recordingContext, recordingNames } from '../../helpers/fixtures.js';
import { nasProfiles } from '../../../probes/profiles/nas/index.js';
import { hostResourcesCollector } from '../../../probes/profiles/generic/host-resources.js';
import { entityCollector } from '../../../probes/profiles/generic/entity.js';
import { storageStatusFromText, worstHealth } from '../../../probes/profiles/nas/common.js';
import { parseSmartExtend } from '../../../probes/profiles/nas/smart-extend.js';
import { deviceSlot } from '../../../probes/profiles/nas/synology.js';
import { parseWindowsDescr } from '../../../probes/profiles/nas/windows.js';
import { parseTrueNasDescr } from '../../../probes/profiles/nas/truenas.js';
import { parseSize } from '../../../probes/profiles/nas/qnap.js';
import { RecordingClient, parseSnmprec } from '../../../probes/snmp/recording.js';
import { compareOid, SnmpType, type Varbind } from '../../../probes/snmp/varbind.js';
import type { Identity, Point } from '../../../probes/types.js';
import type { Profile, ProfileContext } from '../../../probes/profiles/types.js';

/** Highest-scoring NAS/server profile (as probes/profiles/index.ts picks across families). */
function pick(ctx: ProfileContext): Profile | undefined {
  let best: Profile | undefined;
  let score = 0;
  for (const p of nasProfiles) if (p.match(ctx.sys) > score) [best, score] = [p, p.match(ctx.sys)];
  return best;
}

/** Generic collectors then the profile, merged as the registry merges them (later source wins per field). */
async function collect(ctx: ProfileContext): Promise<{ identity: Partial<Identity>; points: Point[]; errors: string[] }> {
  const identity: Partial<Identity> = {};
  const merged = new Map<string, Point>();
  const errors: string[] = [];
  const profile = pick(ctx);
  for (const src of [hostResourcesCollector, entityCollector, ...(profile ? [profile] : [])]) {
    const out = await src.collect(ctx);
    Object.assign(identity, out.identity);
    errors.push(...(out.errors ?? []));
    for (const p of out.points) {
      const key = `${p.measurement}|${JSON.stringify(Object.entries(p.tags).sort())}`;
      const prev = merged.get(key);
      if (prev) Object.assign(prev.fields, p.fields);
      else merged.set(key, { ...p, fields: { ...p.fields } });
    }
  }
  if (profile) identity.vendor ??= profile.vendor;
  return { identity, points: [...merged.values()], errors };
}

const find = (pts: Point[], m: string, tags: Record<string, string>) =>
  pts.find((p) => p.measurement === m && Object.entries(tags).every(([k, v]) => p.tags[k] === v));

const EXPECTED: Record<string, Partial<Identity>> = {
  dsm: { class: 'nas', profile: 'synology', vendor: 'Synology', os: 'DSM', model: 'RS2212RP+', version: '6.1-15217', serial: '3005AWL999111' },
  'dsm_ds214se-dsm7': { class: 'nas', profile: 'synology', vendor: 'Synology', os: 'DSM', model: 'DS214se', version: '7.1-42962', serial: '<private>' },
  qnap: { class: 'nas', profile: 'qnap', vendor: 'QNAP', os: 'QTS', model: 'TVS-871U-RP', version: '4.3.3', serial: 'Q157I12451' },
  'truenas-scale_24.04.2.2': { class: 'nas', profile: 'truenas', vendor: 'iXsystems', os: 'TrueNAS SCALE', version: '24.04.2.2', model: 'x86_64 Intel(R) Core(TM) i7-4790 CPU @ 3.60GHz' },
  'linux_xcp-ng': { class: 'server', profile: 'linux', vendor: 'Linux', os: 'XCP-ng 8.3.0', version: '4.19.0+1' },
  'linux_smart-v1': { class: 'server', profile: 'linux', vendor: 'Linux', os: 'Linux', version: '3.10.0-693.5.2.el7.x86_64' },
  windows_svr_2019_1809: { class: 'server', profile: 'windows', vendor: 'Microsoft', os: 'Windows', version: 'Server 2019 (1809)', model: 'Intel x64' },
  'vmware-esxi': { class: 'server', profile: 'esxi', vendor: 'HP', os: 'VMware ESXi', version: '7.0.0 build 15843807', model: 'ProLiant DL380p Gen8', serial: 'CZ162913BZ' },
};

for (const [name, want] of Object.entries(EXPECTED)) {
  t.test(`${name} is identified as ${want.profile} (${want.class}) with its model, version and serial`, async (t) => {
    const { identity } = await collect(recordingContext(name));
    for (const [k, v] of Object.entries(want)) t.equal(identity[k as keyof Identity], v, k);
  });
}

t.test('no NAS/server profile claims a UPS, switch or firewall recording, except net-snmp Linux underneath', async (t) => {
  const manifest = readFileSync(join(FIXTURES, 'snmp', 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const category = new Map(manifest.map((c) => [c[0]!, c[1]!]));
  // Zyxel USG FLEX runs net-snmp on Linux and says so in sysObjectID; the firewall profile's sysDescr match (50) wins.
  const reallyLinux = new Map([['zyxelusg_usgflex100', 10]]);
  for (const name of recordingNames()) {
    const cat = category.get(name);
    if (cat === 'nas' || cat === 'host') continue;
    const ctx = recordingContext(name);
    for (const p of nasProfiles) {
      const score = p.match(ctx.sys);
      const allowed = p.id === 'linux' ? (reallyLinux.get(name) ?? 0) : 0;
      t.ok(score <= allowed, `${p.id} scores ${score} on ${name} (${cat})`);
    }
  }
});

t.test('Synology DSM 7: disk 2 with 511 bad sectors is not healthy; volumes and pools carry status', async (t) => {
  const { points } = await collect(recordingContext('dsm_ds214se-dsm7'));
  const d1 = find(points, 'disk', { disk: 'Disk 1' })!;
  const d2 = find(points, 'disk', { disk: 'Disk 2' })!;
  t.same(d1.tags, { disk: 'Disk 1', model: 'DT01ACA300' });
  t.same(d1.fields, { health: 'ok', status: 'Normal, health Normal', temp_c: 31, reallocated: 0, source: 'snmp' });
  t.equal(d2.fields.health, 'warn');
  t.equal(d2.fields.reallocated, 511);
  t.equal(d2.fields.temp_c, 33);
  t.same(find(points, 'storage', { name: 'Volume 1' })!.fields, { size_bytes: 5943208427520, used_bytes: 5943208427520 - 5801746014208, used_pct: 2.38, status: 'ok' });
  t.same(find(points, 'storage', { name: 'Storage Pool 1' })!.fields, { size_bytes: 5991307411456, status: 'ok' }, 'a fully allocated pool is not "full"');
  t.equal(find(points, 'system', {})!.fields.temp_c, 34);
  t.same(find(points, 'sensor', { class: 'fan', name: 'CPU fan' })!.fields, { value: 1, state: 'normal', ok: true });
  t.same(find(points, 'sensor', { class: 'state', name: 'DSM upgrade' })!.fields, { value: 2, state: 'unavailable' });
});

t.test('Synology DSM 6: 22 disks incl. the expansion unit, an initialized spare is ok, RAID without sizes', async (t) => {
  const { points } = await collect(recordingContext('dsm'));
  const disks = points.filter((p) => p.measurement === 'disk');
  t.equal(disks.length, 22);
  t.same(find(points, 'disk', { disk: 'Disk 1' })!.fields, { health: 'ok', status: 'Initialized', temp_c: 42, source: 'snmp' });
  t.equal(find(points, 'disk', { disk: 'Disk 5 (RX1214rp-1)' })!.tags.model, 'WD60EFAX-68SHWN0');
  t.same(find(points, 'storage', { name: 'Volume 1' })!.fields, { status: 'ok' });
  t.equal(find(points, 'system', {})!.fields.temp_c, 48);
  t.same(find(points, 'sensor', { class: 'state', name: 'DSM upgrade' })!.fields, { value: 1, state: 'available' });
});

/** A recording with some OIDs replaced or added, for states no real recording shows. */
function patched(name: string, changes: Varbind[]): ProfileContext {
  const base = recordingContext(name);
  const vbs = new Map(parseSnmprec(readFileSync(join(FIXTURES, 'snmp', 'recordings', `${name}.snmprec`), 'utf8')).map((v) => [v.oid, v]));
  for (const c of changes) vbs.set(c.oid, c);
  return { ...base, snmp: new RecordingClient([...vbs.values()].sort((a, b) => compareOid(a.oid, b.oid))) };
}
const int = (oid: string, value: number): Varbind => ({ oid, type: SnmpType.Integer, value });
const text = (oid: string, value: string): Varbind => ({ oid, type: SnmpType.OctetString, value: Buffer.from(value) });

t.test('Synology: degraded RAID, crashed disk and failing health status map to degraded/fail', async (t) => {
  const ctx = patched('dsm_ds214se-dsm7', [
    int('1.3.6.1.4.1.6574.3.1.1.3.0', 11),
    int('1.3.6.1.4.1.6574.3.1.1.3.1', 7),
    int('1.3.6.1.4.1.6574.2.1.1.5.0', 5),
    int('1.3.6.1.4.1.6574.2.1.1.13.1', 4),
    int('1.3.6.1.4.1.6574.1.3.0', 2),
  ]);
  const { points } = await collect(ctx);
  t.equal(find(points, 'storage', { name: 'Volume 1' })!.fields.status, 'degraded');
  t.equal(find(points, 'storage', { name: 'Storage Pool 1' })!.fields.status, 'rebuilding');
  t.same([find(points, 'disk', { disk: 'Disk 1' })!.fields.health, find(points, 'disk', { disk: 'Disk 1' })!.fields.status], ['fail', 'Crashed, health Normal']);
  t.equal(find(points, 'disk', { disk: 'Disk 2' })!.fields.health, 'fail');
  t.same(find(points, 'sensor', { class: 'psu', name: 'Power' })!.fields, { value: 2, state: 'failed', ok: false });
});

t.test('Synology SMART-MIB counters reach the disk when devices pair with bays, and are skipped when they cannot', async (t) => {
  const S = '1.3.6.1.4.1.6574.5.1.1';
  const rows = (dev1: string, dev2: string): Varbind[] => [
    text(`${S}.2.1`, dev1), int(`${S}.4.1`, 5), int(`${S}.8.1`, 8),
    text(`${S}.2.2`, dev1), int(`${S}.4.2`, 197), int(`${S}.8.2`, 2),
    text(`${S}.2.3`, dev1), int(`${S}.4.3`, 194), int(`${S}.8.3`, 40),
    text(`${S}.2.4`, dev2), int(`${S}.4.4`, 9), int(`${S}.8.4`, 30000),
  ];
  const ok = await collect(patched('dsm_ds214se-dsm7', rows('/dev/sata1', '/dev/sata2')));
  t.same(find(ok.points, 'disk', { disk: 'Disk 1' })!.fields, { health: 'warn', status: 'Normal, health Normal', temp_c: 31, reallocated: 8, pending: 2, source: 'snmp' });
  t.equal(find(ok.points, 'disk', { disk: 'Disk 2' })!.fields.power_on_hours, 30000);
  const bad = await collect(patched('dsm_ds214se-dsm7', rows('/dev/sata1', '/dev/nvme0n1')));
  t.equal(find(bad.points, 'disk', { disk: 'Disk 1' })!.fields.reallocated, 0, 'DSM bad-sector count kept');
  t.match(bad.errors.join(), /cannot pair 2 SMART devices/);
  t.equal(deviceSlot('/dev/sdc'), 3);
  t.equal(deviceSlot('sas12'), 12);
  t.equal(deviceSlot('/dev/sdfa'), undefined, 'expansion-unit devices are not guessed');
});

t.test('QNAP: enclosure identity, fans, PSUs, 20 disks across the head unit and expansion', async (t) => {
  const { points } = await collect(recordingContext('qnap'));
  const disks = points.filter((p) => p.measurement === 'disk');
  t.equal(disks.length, 20);
  t.same(find(points, 'disk', { disk: 'Disk 1' }), { measurement: 'disk', tags: { disk: 'Disk 1', model: 'WDC WD6003FFBX-68MU3N0' }, fields: { health: 'ok', status: 'Good', temp_c: 28, source: 'snmp' } });
  t.equal(find(points, 'disk', { disk: 'Enclosure 1 Disk 6' })!.fields.temp_c, 50);
  t.equal(find(points, 'disk', { disk: 'Enclosure 1 Disk 7' })!.tags.model, 'Seagate ST8000VN0022-2EL112');
  t.same(find(points, 'sensor', { class: 'fan', name: 'FAN 1' })!.fields, { value: 4504, state: 'ok', ok: true });
  t.same(find(points, 'sensor', { class: 'psu', name: 'Enclosure 1 PSU 2' })!.fields, { value: 0, state: 'ok', ok: true });
  t.equal(find(points, 'sensor', { class: 'temperature', name: 'Enclosure 1' })!.fields.value, 32);
  t.equal(find(points, 'system', {})!.fields.temp_c, 33);
  t.equal(find(points, 'storage', { name: '/share/CACHEDEV3_DATA' })!.fields.used_pct, 88.706);
});

t.test('QNAP: a disk whose SMART info is Abnormal fails, a fan at -1 is failed', async (t) => {
  const N = '1.3.6.1.4.1.24681.1.4.1.1.1.1';
  const { points } = await collect(patched('qnap', [int(`${N}.5.2.1.5.3`, 2), text(`${N}.5.2.1.4.3`, 'Abnormal'), int(`${N}.2.2.1.4.2`, -1)]));
  t.same([find(points, 'disk', { disk: 'Disk 3' })!.fields.health, find(points, 'disk', { disk: 'Disk 3' })!.fields.status], ['fail', 'Abnormal']);
  t.same(find(points, 'sensor', { class: 'fan', name: 'FAN 2' })!.fields, { value: 4451, state: 'fail', ok: false });
});

t.test('TrueNAS SCALE: pools with health, zvol with size, ARC, memory from HOST-RESOURCES', async (t) => {
  const { points } = await collect(recordingContext('truenas-scale_24.04.2.2'));
  t.same(find(points, 'storage', { name: 'boot-pool' })!.fields, { status: 'ok' });
  t.same(find(points, 'storage', { name: 'juandipool' })!.fields, { status: 'ok' });
  t.same(find(points, 'storage', { name: 'juandipool/zvolTerminator' })!.fields, { size_bytes: 20085932032, used_bytes: 5454970880, used_pct: 27.158 });
  t.equal(find(points, 'sensor', { class: 'zfs_arc', name: 'ARC hit ratio pct' })!.fields.value, 99.8);
  t.equal(find(points, 'sensor', { class: 'zfs_arc', name: 'ARC size bytes' })!.fields.value, 110376 * 1024);
  t.same(find(points, 'system', {})!.fields, { uptime_s: 76639, cpu_pct: 4, mem_used_pct: 88.257, mem_total_bytes: 2056318976 });
  const degraded = await collect(patched('truenas-scale_24.04.2.2', [text('1.3.6.1.4.1.50536.1.1.1.1.3.2', 'DEGRADED')]));
  t.equal(find(degraded.points, 'storage', { name: 'juandipool' })!.fields.status, 'degraded');
});

t.test('Linux with the LibreNMS smart extend: the disk reaches the disk model keyed by serial', async (t) => {
  const { points } = await collect(recordingContext('linux_smart-v1'));
  t.same(find(points, 'disk', { disk: 'Z304VCFY' }), {
    measurement: 'disk',
    tags: { disk: 'Z304VCFY', model: 'ST4000DM000-1F2168' },
    fields: { health: 'ok', status: 'PASSED', temp_c: 34, reallocated: 0, pending: 0, uncorrectable: 0, power_on_hours: 63417, source: 'snmp' },
  });
});

t.test('Linux (XCP-ng dom0): load averages from UCD, CPU from HOST-RESOURCES', async (t) => {
  const { points } = await collect(recordingContext('linux_xcp-ng'));
  t.same(find(points, 'sensor', { class: 'load', name: 'load 1 min' })!.fields, { value: 0.34 });
  t.same(find(points, 'system', {})!.fields, { cpu_pct: 1.75 });
});

t.test('ESXi: VM counts from VMWARE-VMINFO-MIB', async (t) => {
  const { points } = await collect(recordingContext('vmware-esxi'));
  t.equal(find(points, 'sensor', { class: 'count', name: 'VMs' })!.fields.value, 32);
  t.equal(find(points, 'sensor', { class: 'count', name: 'VMs powered on' })!.fields.value, 29);
});

t.test('parseSmartExtend: failed self-assessment fails, pending sectors warn, non-JSON is rejected', async (t) => {
  const doc = (disk: object) => JSON.stringify({ version: 1, data: { disks: { sda: disk } } });
  t.equal(parseSmartExtend(doc({ health_pass: 0, serial: 'S1', '5': '0' }))![0]!.health, 'fail');
  const w = parseSmartExtend(doc({ health_pass: 1, serial: 'S2', '197': '3', '194': 'null' }))![0]!;
  t.same([w.health, w.pending, w.temp_c, w.disk], ['warn', 3, undefined, 'S2']);
  t.equal(parseSmartExtend(doc({ '5': '0' }))![0]!.disk, 'sda', 'no serial: device name');
  t.equal(parseSmartExtend('/dev/sda: 5 0\n'), undefined);
});

t.test('status and identity parsers', async (t) => {
  t.same(['ONLINE', 'DEGRADED', 'FAULTED', 'Rebuilding (35%)', 'Ready', 'Not ready', 'Warning', 'whatever', undefined].map(storageStatusFromText),
    ['ok', 'degraded', 'failed', 'rebuilding', 'ok', 'failed', 'degraded', 'unknown', 'unknown']);
  t.equal(worstHealth('ok', undefined, 'warn', 'ok'), 'warn');
  t.equal(worstHealth(undefined), 'unknown');
  t.same(parseWindowsDescr('Hardware: AMD64 Family 23 - Software: Windows Version 6.3 (Build 20348 Multiprocessor Free)', '1.3.6.1.4.1.311.1.1.3.1.3'), { version: 'Server 2022 (21H2)', model: 'AMD x64', build: 20348 });
  t.equal(parseWindowsDescr('Hardware: Intel64 - Software: Windows Version 6.3 (Build 22631 Multiprocessor Free)', '1.3.6.1.4.1.311.1.1.3.1.1').version, '11 (23H2)');
  t.same(parseTrueNasDescr('TrueNAS-13.0-U6.1'), { os: 'TrueNAS', version: '13.0-U6.1' });
  t.equal(parseSize('5.46 TB'), Math.round(5.46 * 1024 ** 4));
});

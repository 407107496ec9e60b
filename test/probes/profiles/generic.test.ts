import t from 'tap';
import { recordingContext } from '../../helpers/fixtures.js';
import { hostResourcesCollector, MAX_STORAGE } from '../../../probes/profiles/generic/host-resources.js';
import { entityCollector, cleanEntityText } from '../../../probes/profiles/generic/entity.js';
import { RecordingClient } from '../../../probes/snmp/recording.js';
import { SnmpType, compareOid, type Varbind } from '../../../probes/snmp/varbind.js';
import type { Point } from '../../../probes/types.js';
import { silentLogger } from '../../../probes/types.js';

const storage = (pts: Point[]) => pts.filter((p) => p.measurement === 'storage');
const system = (pts: Point[]) => pts.find((p) => p.measurement === 'system')?.fields ?? {};

t.test('hostResourcesCollector on pfSense reads 4151 hrStorage rows cheaply and keeps only real file systems', async (t) => {
  const ctx = recordingContext('pfsense');
  const out = await hostResourcesCollector.collect(ctx);
  // "/" is UFS (bsnmpd types it hrFSBerkeleyFFS); /dev and /var/dhcpd/dev are devfs, /var/run is a memory disk.
  t.same(storage(out.points).map((p) => p.tags.name), ['/, type: ufs, dev: /dev/ufsid/5be59cf2bcc03dca']);
  t.same(storage(out.points)[0]!.fields, { size_bytes: 1926495 * 4096, used_bytes: 211372 * 4096, used_pct: 10.972 });
  // "Real Memory Metrics" is memory in use (57778 pages); the total comes from hrMemorySize (4146732 KiB).
  t.equal(system(out.points).mem_total_bytes, 4146732 * 1024);
  t.equal(system(out.points).mem_used_pct, 5.573);
  t.equal(system(out.points).cpu_pct, 0);
  t.equal(out.classHint, 'server');
  // Type + descr walks (2 × 593) plus a handful of GETs, not a 5-column walk of 593 rows (2965 varbinds).
  t.ok((ctx.snmp as RecordingClient).varbindCount < 1250, `varbinds read: ${(ctx.snmp as RecordingClient).varbindCount}`);
});

t.test('hostResourcesCollector on Windows: C:\\ only (the empty D:\\ drive is a CD-ROM), plain used RAM', async (t) => {
  const out = await hostResourcesCollector.collect(recordingContext('windows_svr_2019_1809'));
  t.same(storage(out.points), [
    { measurement: 'storage', tags: { name: 'C:\\ Label:  Serial Number 10f82425' }, fields: { size_bytes: 106728255488, used_bytes: 32359223296, used_pct: 30.319 } },
  ]);
  t.same(system(out.points), { uptime_s: 1277166, cpu_pct: 2, mem_used_pct: 22.709, mem_total_bytes: 17178755072 });
});

t.test('hostResourcesCollector on ESXi: datastores (local and NFS), not the RAM disks; CPU averaged over 32 threads', async (t) => {
  const out = await hostResourcesCollector.collect(recordingContext('vmware-esxi'));
  const names = storage(out.points).map((p) => p.tags.name);
  t.equal(names.length, 6);
  t.ok(names.includes('/vmfs/volumes/foo-vmw'), 'NFS datastore (hrStorageNetworkDisk) kept');
  t.notOk(names.includes('/vmfs/volumes/42e40393-eb4009d5-1981-5d539017033c'), 'hrStorageRamDisk skipped');
  const f = system(out.points);
  t.equal(f.mem_total_bytes, 201290968 * 1024);
  t.equal(f.mem_used_pct, 48.837);
  t.equal(f.cpu_pct, 12.969); // mean of the 32 hrProcessorLoad rows
  t.equal(f.uptime_s, 15920662);
});

t.test('hostResourcesCollector on net-snmp Linux subtracts buffers and page cache from used RAM', async (t) => {
  const out = await hostResourcesCollector.collect(recordingContext('dsm_ds214se-dsm7'));
  // (215960 − 8216 − 100068) KiB of 248508 KiB
  t.equal(system(out.points).mem_used_pct, 43.329);
  t.same(storage(out.points).map((p) => p.tags.name), ['/', '/tmp', '/volume1'], '/run and /dev/shm are memory, not disks');
});

t.test('hostResourcesCollector answers nothing but uptime on a minimal agent and claims no class without HR', async (t) => {
  const smart = await hostResourcesCollector.collect(recordingContext('linux_smart-v1'));
  t.same(smart.points, [{ measurement: 'system', tags: {}, fields: { uptime_s: 775529 } }]);
  const ups = await hostResourcesCollector.collect(recordingContext('apc_smx750i'));
  t.same(ups.points, []);
  t.equal(ups.classHint, undefined);
});

t.test(`hostResourcesCollector caps storage points at ${MAX_STORAGE} and says so`, async (t) => {
  const vbs: Varbind[] = [];
  for (let i = 1; i <= 100; i++) {
    vbs.push({ oid: `1.3.6.1.2.1.25.2.3.1.2.${i}`, type: SnmpType.OID, value: '1.3.6.1.2.1.25.2.1.4' });
    vbs.push({ oid: `1.3.6.1.2.1.25.2.3.1.3.${i}`, type: SnmpType.OctetString, value: Buffer.from(`/srv/vol${i}`) });
    vbs.push({ oid: `1.3.6.1.2.1.25.2.3.1.4.${i}`, type: SnmpType.Integer, value: 4096 });
    vbs.push({ oid: `1.3.6.1.2.1.25.2.3.1.5.${i}`, type: SnmpType.Integer, value: 1000 });
    vbs.push({ oid: `1.3.6.1.2.1.25.2.3.1.6.${i}`, type: SnmpType.Integer, value: 250 });
  }
  vbs.sort((a, b) => compareOid(a.oid, b.oid));
  const ctx = { snmp: new RecordingClient(vbs), sys: { sysDescr: 'Linux x', sysObjectID: '1.3.6.1.4.1.8072.3.2.10' }, log: silentLogger, now: 0 };
  const out = await hostResourcesCollector.collect(ctx);
  t.equal(storage(out.points).length, MAX_STORAGE);
  t.same(out.errors, [`hrStorage: 100 file systems, reporting the first ${MAX_STORAGE}`]);
  t.equal(storage(out.points)[0]!.fields.used_pct, 25);
});

t.test('hostResourcesCollector unwraps hrStorageSize that overflowed Integer32', async (t) => {
  const vbs: Varbind[] = [
    { oid: '1.3.6.1.2.1.25.2.3.1.2.1', type: SnmpType.OID, value: '1.3.6.1.2.1.25.2.1.4' },
    { oid: '1.3.6.1.2.1.25.2.3.1.3.1', type: SnmpType.OctetString, value: Buffer.from('/big') },
    { oid: '1.3.6.1.2.1.25.2.3.1.4.1', type: SnmpType.Integer, value: 4096 },
    { oid: '1.3.6.1.2.1.25.2.3.1.5.1', type: SnmpType.Integer, value: -1294967296 }, // 3_000_000_000 wrapped
    { oid: '1.3.6.1.2.1.25.2.3.1.6.1', type: SnmpType.Integer, value: 1_000_000_000 },
  ];
  const ctx = { snmp: new RecordingClient(vbs), sys: { sysDescr: '', sysObjectID: '' }, log: silentLogger, now: 0 };
  const out = await hostResourcesCollector.collect(ctx);
  t.equal(storage(out.points)[0]!.fields.size_bytes, 3_000_000_000 * 4096);
});

t.test('entityCollector reads the chassis row (QNAP), the root row when there is no chassis (ESXi) and FortiGate', async (t) => {
  t.same((await entityCollector.collect(recordingContext('qnap'))).identity, { model: 'TVS-871U-RP', serial: 'Q157I12451', version: '4.3.3', vendor: 'QNAP' });
  t.same((await entityCollector.collect(recordingContext('vmware-esxi'))).identity, { model: 'ProLiant DL380p Gen8', serial: 'CZ162913BZ', version: '2.8', vendor: 'HP' });
  const fg = await entityCollector.collect(recordingContext('fortigate_100e'));
  t.equal(fg.identity?.model, 'FGT_100E');
  t.equal(fg.identity?.serial, 'FG100E4Q17011652');
  t.equal(fg.identity?.vendor, 'Fortinet');
  t.same((await entityCollector.collect(recordingContext('windows_svr_2019_1809'))).points, [], 'no ENTITY-MIB: nothing, no error');
  t.equal((await entityCollector.collect(recordingContext('windows_svr_2019_1809'))).identity, undefined);
});

t.test('cleanEntityText strips QNAP quoting and drops placeholders', async (t) => {
  t.equal(cleanEntityText('"4.3.3'), '4.3.3');
  t.equal(cleanEntityText('\\4.3.3'), '4.3.3');
  t.equal(cleanEntityText('To Be Filled By O.E.M.'), undefined);
  t.equal(cleanEntityText('  '), undefined);
});

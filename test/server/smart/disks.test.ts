import t from 'tap';
import Database from 'better-sqlite3';
import { DiskStore, looksLikeSerial, MISSING_AFTER, modelsCompatible } from '../../../server/store/disks.js';
import { reportFromJson } from '../../../probes/smart/index.js';
import { capture } from '../../probes/smart/load.js';

const store = (t: { teardown(fn: () => void): void }) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  return new DiskStore(db);
};
const nasPoint = (disk: string, model?: string, health = 'ok') => ({ measurement: 'disk', tags: { disk, ...(model ? { model } : {}) }, fields: { health, source: 'snmp' } });

t.test('a disk that leaves a NAS table is missing after 3 poll intervals, not before', async (t) => {
  const s = store(t);
  const T0 = 1_000_000;
  const I = 60_000;
  s.observePoints('nas1', [nasPoint('Disk 1', 'WD40EFRX'), nasPoint('Disk 2', 'WD40EFRX')], I, T0);
  for (let i = 1; i <= 4; i++) s.observePoints('nas1', [nasPoint('Disk 1', 'WD40EFRX')], I, T0 + i * I);
  const at = (now: number) => Object.fromEntries(s.list(now).map((d) => [d.key, d.missing]));
  t.same(at(T0 + MISSING_AFTER * I), { 'nas1:Disk 1': false, 'nas1:Disk 2': false }, 'three intervals late is still only late');
  t.same(at(T0 + MISSING_AFTER * I + 1), { 'nas1:Disk 1': false, 'nas1:Disk 2': true });
  // A disk that comes back is no longer missing.
  s.observePoints('nas1', [nasPoint('Disk 2', 'WD40EFRX')], I, T0 + 10 * I);
  t.equal(s.get('nas1:Disk 2', T0 + 10 * I)?.missing, false);
});

t.test('a pushed disk is missing after 3 push intervals; a disk seen by two sources only when both stop', async (t) => {
  const s = store(t);
  const json = capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json');
  const H = 3_600_000;
  const key = s.resolve('fs1', 'push', { serial: '9RK1XXXX', model: 'WDC WD140EDFZ-11A0VA0', ref: '9RK1XXXX' }, 0);
  s.recordReport(key, 'fs1', 'push', '9RK1XXXX', reportFromJson(json), H, 0);
  // The same drive, moved into a NAS that reports its serial and a model without the vendor prefix.
  s.observePoints('nas1', [nasPoint('9RK1XXXX', 'WD140EDFZ-11A0VA0')], 60_000, 3 * H);
  t.equal(s.get(key, 3 * H)?.missing, false, 'three push intervals late is not yet missing');
  const d = s.get(key, 3 * H + 1);
  t.same(d?.sources.map((x) => `${x.device}/${x.source}:${x.missing}`), ['fs1/push:true', 'nas1/snmp:false'], 'the push source is missing, the NAS is not');
  t.equal(d?.missing, false);
  t.equal(s.get(key, 3 * H + 3 * 60_000 + 1)?.missing, true, 'both sources gone');
});

t.test('identity: serial with a compatible model, never a slot name across devices', async (t) => {
  t.ok(modelsCompatible('WDC WD40EFRX-68N32N0', 'WD40EFRX-68N32N0'));
  t.ok(modelsCompatible('ST4000VN008', undefined));
  t.notOk(modelsCompatible('ST16000NM001G-2KK103', 'ST3500418AS'));
  for (const slot of ['Disk 1', 'HDD1', 'sda', 'nvme0n1', '/dev/sda', 'disk-3']) t.notOk(looksLikeSerial(slot), slot);
  for (const serial of ['9RK1XXXX', 'WD-WCC131234567', 'S466NX0M776250H']) t.ok(looksLikeSerial(serial), serial);
  const s = store(t);
  s.observePoints('nas1', [nasPoint('Disk 1')], 60_000, 0);
  s.observePoints('nas2', [nasPoint('Disk 1')], 60_000, 0);
  t.same(s.list(0).map((d) => d.key), ['nas1:Disk 1', 'nas2:Disk 1']);
});

import t from 'tap';
import { parseSmartctl, reportFromJson, trend } from '../../../probes/smart/index.js';
import type { SmartDisk } from '../../../probes/smart/types.js';
import { capture, setRaw } from './load.js';

const WD = 'ata-hdd__wdc-wd140edfz__healthy__scrutiny.json';
const reading = (json: unknown): SmartDisk => {
  const d = parseSmartctl(json);
  if (!d) throw new Error('capture did not parse');
  return d;
};

t.test('a reallocated count that rises escalates warn → fail', async (t) => {
  const before = reading(setRaw(capture(WD), 5, 3));
  const now = setRaw(capture(WD), 5, 5);
  t.equal(reportFromJson(now).verdict, 'warn', 'alone, 5 sectors is a warning');
  const r = reportFromJson(now, before);
  t.equal(r.verdict, 'fail');
  t.equal(r.reasons[0]?.code, 'trend.reallocated');
  t.match(r.reasons[0]?.text, /5 reallocated sectors.*rose from 3/);
  t.equal(r.reasons.filter((x) => /reallocated sector/.test(x.text)).length, 1, 'the rise replaces the static reason');
});

t.test('a first reallocation (0 → 1) is a warning, not a rise to fail', async (t) => {
  const r = reportFromJson(setRaw(capture(WD), 5, 1), reading(capture(WD)));
  t.equal(r.verdict, 'warn');
  t.equal(r.reasons[0]?.code, 'counter.reallocated');
});

t.test('rising 188 / 199 escalate info → warn (VERDICTS: escalate only if rising)', async (t) => {
  const micron = 'sata-ssd__micron-5300-mtfddav240tds__cmdtimeout-188-33__exporter.json';
  t.equal(reportFromJson(capture(micron), reading(capture(micron))).verdict, 'info', 'steady 33 stays info');
  const r = reportFromJson(setRaw(capture(micron), 188, 40), reading(capture(micron)));
  t.equal(r.verdict, 'warn');
  t.match(r.reasons[0]?.text, /40 command timeouts.*rose from 33/);
  // The packed Seagate 188 compares decoded counts: 12 12 12 → 13 13 13.
  const sg = 'ata-hdd__seagate-st16000nm001g__healthy-packed-188-raw__exporter.json';
  const up = setRaw(capture(sg), 188, 13 * 2 ** 32 + 13 * 2 ** 16 + 13);
  t.match(reportFromJson(up, reading(capture(sg))).reasons[0]?.text, /13 command timeouts.*rose from 12/);
  const crc = 'sata-ssd__samsung-840__crc199-108__scrutiny.json';
  t.equal(reportFromJson(setRaw(capture(crc), 199, 110), reading(capture(crc))).verdict, 'warn');
});

t.test('NVMe: rising media errors fail; rising error-log entries stay info', async (t) => {
  const sam = 'nvme__samsung-970evo__media-errors-7__scrutiny.json';
  const more = capture(sam);
  more.nvme_smart_health_information_log.media_errors = 9;
  t.equal(reportFromJson(more, reading(capture(sam))).verdict, 'fail');
  const cor = 'nvme__corsair-force-mp510__errlog-8382__scrutiny.json';
  const log = capture(cor);
  log.nvme_smart_health_information_log.num_err_log_entries = 9000;
  t.equal(reportFromJson(log, reading(capture(cor))).verdict, 'info');
});

t.test('SCSI: grown defects that rise fail', async (t) => {
  const sas = 'sas-hdd__seagate-st4000nm0043__grown-defects-56__scrutiny.json';
  const more = capture(sas);
  more.scsi_grown_defect_list = 60;
  t.equal(reportFromJson(more, reading(capture(sas))).verdict, 'fail');
  t.equal(reportFromJson(capture(sas), reading(capture(sas))).verdict, 'warn', 'unchanged stays warn');
});

t.test('a transient failure is not failed forever', async (t) => {
  // Previous reading: health FAILED and 3 pending sectors. Now: PASSED, pending back to 0 (remapped).
  const bad = setRaw(capture(WD), 197, 3);
  bad.smart_status = { passed: false };
  const prev = reading(bad);
  t.equal(reportFromJson(bad).verdict, 'fail');
  const r = reportFromJson(capture(WD), prev);
  t.equal(r.verdict, 'ok');
  t.same(trend(prev, reading(capture(WD))), [], 'falling counters raise nothing');
});

t.test('readings of a different disk are never compared', async (t) => {
  const prev = reading(setRaw(capture(WD), 5, 3));
  const other = setRaw(capture(WD), 5, 9);
  other.serial_number = 'SWAPPED1';
  t.same(trend(prev, reading(other)), []);
  t.equal(reportFromJson(other, prev).verdict, 'warn');
  t.same(trend(undefined, reading(other)), []);
});

t.test('reportFromJson takes a previous-reading lookup by disk key', async (t) => {
  const prev = reading(setRaw(capture(WD), 5, 3));
  const seen: string[] = [];
  const r = reportFromJson(setRaw(capture(WD), 5, 5), (key) => {
    seen.push(key);
    return key === '9RK1XXXX' ? prev : undefined;
  });
  t.same(seen, ['9RK1XXXX']);
  t.equal(r.verdict, 'fail');
});

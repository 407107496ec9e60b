import t from 'tap';
import { commandTimeoutCount, rawWords16, seagateErrorRate, temperatureFromRaw } from '../../../probes/smart/raw-values.js';
import { parseSmartctl, reportFromJson } from '../../../probes/smart/index.js';
import { capture, setRaw } from './load.js';

t.test('Seagate 188 Command_Timeout: three packed 16-bit counters, the total is the largest', async (t) => {
  t.same(rawWords16(51540393996), [12, 12, 12]);
  t.equal(commandTimeoutCount(51540393996, '51540393996'), 12, 'smartctl 7.1 prints the packed value as one number');
  t.equal(commandTimeoutCount(4295032853, '4295032853'), 21, '1 1 21');
  t.equal(commandTimeoutCount(0, '0 0 0'), 0, 'raw16 string form');
  t.equal(commandTimeoutCount(0, '3 5 9'), 9);
  t.equal(commandTimeoutCount(33, '33'), 33, 'a plain count is left alone (Micron)');
});

t.test('a packed 188 is judged as 12 timeouts, not 51 billion', async (t) => {
  const r = reportFromJson(capture('ata-hdd__seagate-st16000nm001g__healthy-packed-188-raw__exporter.json'));
  t.equal(r.verdict, 'info');
  const reason = r.reasons.find((x) => x.code === 'counter.command_timeout');
  t.match(reason?.text, /^12 command timeouts/);
  t.match(reason?.text, /raw 51540393996/);
  t.ok(r.notes.some((n) => /three packed 16-bit counters \(12 12 12\): 12 timeouts/.test(n)));
  const attr = r.points.find((p) => p.measurement === 'smart_attr' && p.tags.id === '188');
  t.equal(attr?.fields.raw, 51540393996, 'history keeps the raw value as the drive reported it');
});

t.test('Seagate 1/7 error rates: errors in the top 16 bits, operations in the low 32', async (t) => {
  t.same(seagateErrorRate(12834215976973), { errors: 2988, operations: 853696525 });
  t.same(seagateErrorRate(239307048), { errors: 0, operations: 239307048 });
  const r = reportFromJson(capture('ata-hdd__seagate-st3500418as__realloc-304__exporter.json'));
  t.ok(r.notes.some((n) => /7 Seek_Error_Rate .* 2988 errors in 853696525 operations/.test(n)));
  t.notOk(r.reasons.some((x) => /Seek_Error|Raw_Read/.test(x.text)), 'huge Seagate raw rates raise no reason');
});

t.test('temperatures use only the low byte of packed 194 raw values', async (t) => {
  t.equal(temperatureFromRaw(98784247834), 26, '26 (0 23 0 0 0)');
  t.equal(temperatureFromRaw(0), undefined);
  const json = capture('ata-hdd__seagate-st16000nm001g__healthy-packed-188-raw__exporter.json');
  delete json.temperature;
  t.equal(parseSmartctl(json)?.temperatureC, 26);
});

t.test('an attribute ID reused under another name is not that counter', async (t) => {
  // Kingston KC400 reports 197 as Not_In_Use (THRESHOLDS §6): its raw value is not a pending-sector count.
  const json = setRaw(capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json'), 197, 40);
  json.ata_smart_attributes.table.find((a: { id: number }) => a.id === 197).name = 'Not_In_Use';
  const r = reportFromJson(json);
  t.equal(r.verdict, 'ok');
  t.notOk('pending' in (r.points[0]?.fields ?? {}));
  // Under its standard name the same count fails the disk.
  t.equal(reportFromJson(setRaw(capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json'), 197, 40)).verdict, 'fail');
});

t.test('attribute names that do not mean what they say are not read by name', async (t) => {
  // Micron 202 "Percent_Lifetime_Remain" holds the percentage *used* in its raw value (0 here); reading it as
  // remaining life would call a new drive worn out.
  const r = reportFromJson(capture('sata-ssd__micron-5300-mtfddav240tds__cmdtimeout-188-33__exporter.json'));
  t.notOk(r.reasons.some((x) => /202|Lifetime/.test(x.text)));
  t.notOk('percentage_used' in (r.points[0]?.fields ?? {}));
  // SandForce 5 is Retired_Block_Count: the same meaning (retired flash blocks), still counted.
  const sf = setRaw(capture('sata-ssd__ocz-vertex2__sandforce-xall__smart-prom-next.json'), 5, 3);
  const rs = reportFromJson(sf);
  t.equal(rs.verdict, 'warn', 'SSD: reallocation warns, the HDD fail limit does not apply');
  t.equal(rs.points[0]?.fields.reallocated, 3);
});

t.test('SSD and HDD get different raw-count limits', async (t) => {
  const hdd = reportFromJson(setRaw(capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json'), 5, 40));
  t.equal(hdd.verdict, 'fail', 'HDD: above 16 reallocated sectors the Backblaze AFR passes 10 %');
  const hddFew = reportFromJson(setRaw(capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json'), 5, 4));
  t.equal(hddFew.verdict, 'warn');
  const ssd = reportFromJson(setRaw(capture('sata-ssd__samsung-860evo__healthy-xall__scrutiny.json'), 5, 40));
  t.equal(ssd.verdict, 'warn');
});

t.test('normalised value vs threshold: pre-fail now fails, usage now warns, past is remembered', async (t) => {
  const base = () => capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json');
  const edit = (id: number, patch: object) => {
    const j = base();
    Object.assign(j.ata_smart_attributes.table.find((a: { id: number }) => a.id === id), patch);
    return reportFromJson(j);
  };
  t.equal(edit(3, { value: 1, worst: 1, when_failed: 'now' }).verdict, 'fail', '3 Spin_Up_Time pre-fail');
  t.equal(edit(7, { value: 1, worst: 1, when_failed: 'now' }).verdict, 'warn', '7 is old-age on this drive');
  t.equal(edit(3, { worst: 1, when_failed: 'past' }).verdict, 'warn');
  t.equal(edit(7, { worst: 1, when_failed: 'past' }).verdict, 'info');
  // A threshold of 0 means "always passing" even at value 0 (SandForce reports 0/0/0 for several attributes).
  t.equal(reportFromJson(capture('sata-ssd__ocz-vertex2__sandforce-xall__smart-prom-next.json')).verdict, 'ok');
  const noWhenFailed = base();
  const a = noWhenFailed.ata_smart_attributes.table.find((x: { id: number }) => x.id === 3);
  a.value = 1;
  delete a.when_failed;
  t.equal(reportFromJson(noWhenFailed).verdict, 'fail', 'computed from value/threshold when smartctl gives no when_failed');
});

t.test('exit bit 2 behind a bridge or RAID controller is a note, not a verdict', async (t) => {
  for (const f of ['usb-jmicron__wdc-wd2500bevs__exit4__smart-prom-next.json', 'ata-hdd-megaraid__wd4000fyyx__healthy-attrcheck__scrutiny.json']) {
    const r = reportFromJson(capture(f));
    t.equal(r.verdict, 'ok');
    t.ok(r.exit.bits.some((b) => b.name === 'FAILSMART'));
    t.ok(r.notes.some((n) => /exit bit 2/.test(n)));
  }
});

t.test('an exit bit no data explains still counts', async (t) => {
  const j = capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json');
  j.smartctl.exit_status = 8;
  delete j.smart_status;
  const r = reportFromJson(j);
  t.equal(r.verdict, 'fail');
  t.ok(r.reasons.some((x) => x.code === 'exit.bit3'));
  const errlog = capture('sas-ssd__toshiba-kpm5xmug400g__healthy__libblockdev.json');
  errlog.smartctl.exit_status = 64;
  t.equal(reportFromJson(errlog).verdict, 'info');
});

t.test('SCSI: a FAILED informational exception fails with its string; uncorrected errors warn', async (t) => {
  const j = capture('sas-ssd__toshiba-kpm5xmug400g__healthy__libblockdev.json');
  j.smart_status = { passed: false, scsi: { asc: 93, ascq: 0, ie_string: 'FAILURE PREDICTION THRESHOLD EXCEEDED' } };
  const r = reportFromJson(j);
  t.equal(r.verdict, 'fail');
  t.match(r.reasons[0]?.text, /FAILURE PREDICTION THRESHOLD EXCEEDED/);
  const u = capture('sas-ssd__toshiba-kpm5xmug400g__healthy__libblockdev.json');
  u.scsi_error_counter_log.read.total_uncorrected_errors = 2;
  u.scsi_error_counter_log.write.total_uncorrected_errors = 1;
  const ru = reportFromJson(u);
  t.equal(ru.verdict, 'warn');
  t.equal(ru.points[0]?.fields.uncorrectable, 3);
});

t.test('SMART disabled or unsupported is unknown with a fix, never ok', async (t) => {
  const j = capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json');
  for (const k of ['smart_status', 'ata_smart_attributes', 'ata_smart_error_log', 'ata_smart_self_test_log']) delete j[k];
  j.smart_support = { available: true, enabled: false };
  const r = reportFromJson(j);
  t.equal(r.verdict, 'unknown');
  t.match(r.reasons[0]?.text, /disabled.*smartctl -s on/);
});

import t from 'tap';
import { MEASUREMENTS } from '../../../probes/measurements.js';
import { reportFromJson } from '../../../probes/smart/index.js';
import type { Verdict } from '../../../probes/smart/types.js';
import { capture, captureFiles } from './load.js';

/**
 * Expected verdict and the reason codes that must be among the reasons, per real capture. The verdicts are
 * VERDICTS.md's proposals; none was departed from. Codes name the rule (probes/smart/rules.ts, verdict.ts).
 */
const EXPECTED: Record<string, { verdict: Verdict; reasons: string[]; notReasons?: string[] }> = {
  'ata-hdd-megaraid__wd4000fyyx__healthy-attrcheck__scrutiny.json': { verdict: 'ok', reasons: ['healthy'] },
  'ata-hdd-megaraid__wd4000fyyx__realloc-387-attrcheck__scrutiny.json': {
    verdict: 'fail',
    reasons: ['counter.reallocated', 'counter.realloc_events'],
  },
  'ata-hdd__hgst-hms5c4040ble640__healthy-60k-hours__libblockdev.json': { verdict: 'ok', reasons: ['healthy'] },
  'ata-hdd__hgst-hus724020ale640__exit64-errorlog__exporter.json': { verdict: 'info', reasons: ['counter.crc_errors', 'counter.ata_error_log'] },
  'ata-hdd__hgst-hus726060ala640__failing-5-197-198-smart-passed__libblockdev.json': {
    verdict: 'fail',
    reasons: ['counter.reallocated', 'counter.pending', 'counter.offline_uncorrectable'],
  },
  'ata-hdd__seagate-st16000nm001g__healthy-packed-188-raw__exporter.json': { verdict: 'info', reasons: ['counter.command_timeout'] },
  'ata-hdd__seagate-st3500418as__realloc-304__exporter.json': { verdict: 'fail', reasons: ['counter.reallocated'] },
  'ata-hdd__wdc-wd140edfz__healthy__scrutiny.json': { verdict: 'ok', reasons: ['healthy'] },
  'error__qemu-virtual-disk-no-smart__exit4__smart-prom-next.json': { verdict: 'unknown', reasons: ['unreadable'] },
  'error__windows-open-failed__exit2__scrutiny.json': { verdict: 'unknown', reasons: ['unreadable'] },
  'nvme__corsair-force-mp510__errlog-8382__scrutiny.json': { verdict: 'info', reasons: ['counter.nvme_error_log'] },
  'nvme__intel-ssdpe2kx020t7__wear-75pct__exporter.json': { verdict: 'ok', reasons: ['healthy'], notReasons: ['endurance'] },
  'nvme__samsung-970evo__media-errors-7__scrutiny.json': { verdict: 'warn', reasons: ['counter.media_errors', 'counter.nvme_error_log'] },
  'nvme__toshiba-kxg6aznv512g__healthy-xall__smart-prom-next.json': { verdict: 'ok', reasons: ['healthy'] },
  'sas-hdd__seagate-st4000nm0043__grown-defects-56__scrutiny.json': { verdict: 'warn', reasons: ['counter.grown_defects'] },
  'sas-ssd__toshiba-kpm5xmug400g__healthy__libblockdev.json': { verdict: 'ok', reasons: ['healthy'] },
  'sata-ssd__kingston-sa400m8120g__exit4__exporter.json': { verdict: 'ok', reasons: ['healthy'], notReasons: ['exit.bit2'] },
  'sata-ssd__micron-5300-mtfddav240tds__cmdtimeout-188-33__exporter.json': { verdict: 'info', reasons: ['counter.command_timeout'] },
  'sata-ssd__ocz-vertex2__sandforce-xall__smart-prom-next.json': { verdict: 'ok', reasons: ['healthy'] },
  'sata-ssd__samsung-840__crc199-108__scrutiny.json': { verdict: 'info', reasons: ['counter.crc_errors'] },
  'sata-ssd__samsung-860evo__healthy-xall__scrutiny.json': { verdict: 'ok', reasons: ['healthy'] },
  'usb-jmicron__hitachi-hds721050dle630__smart-failed-realloc-1975__scrutiny.json': {
    verdict: 'fail',
    reasons: ['smart_status', 'attr.5.now', 'counter.reallocated', 'counter.pending', 'counter.realloc_events', 'counter.self_test_failures'],
  },
  'usb-jmicron__wdc-wd2500bevs__exit4__smart-prom-next.json': { verdict: 'ok', reasons: ['healthy'] },
  'usb-sat__sandisk-pssd__healthy__telegraf.json': { verdict: 'ok', reasons: ['healthy'] },
};

t.test('every capture in the fixtures folder has an expected verdict', async (t) => {
  t.same(captureFiles(), Object.keys(EXPECTED).sort());
});

for (const file of captureFiles()) {
  t.test(`reportFromJson judges ${file}`, async (t) => {
    const want = EXPECTED[file];
    if (!want) return t.fail('no expectation');
    const r = reportFromJson(capture(file));
    t.equal(r.verdict, want.verdict, r.reasons.map((x) => `${x.level} ${x.code}: ${x.text}`).join('\n'));
    const codes = r.reasons.map((x) => x.code);
    for (const c of want.reasons) t.ok(codes.includes(c), `reason ${c} in [${codes.join(', ')}]`);
    for (const c of want.notReasons ?? []) t.notOk(codes.includes(c), `no reason ${c}`);
    for (const x of r.reasons) t.ok(x.text.length > 10, `reason text is human: ${x.text}`);
    // The verdict is the worst reason (unknown stands alone).
    if (r.verdict !== 'unknown') t.ok(r.reasons.some((x) => x.level === r.verdict));
    t.equal(r.points[0]?.measurement, 'disk');
    t.equal(r.points[0]?.fields.health, r.verdict);
  });
}

t.test('points follow the measurement schema: declared fields only, integers stay integers', async (t) => {
  const declared = MEASUREMENTS.disk.fields as Record<string, string>;
  for (const file of captureFiles()) {
    const r = reportFromJson(capture(file));
    for (const p of r.points) {
      t.ok(Object.values(p.tags).every((v) => typeof v === 'string' && v.length > 0), `${file}: non-empty tags`);
      if (p.measurement === 'disk') {
        t.same(Object.keys(p.tags).sort(), ['disk', 'model']);
        for (const [k, v] of Object.entries(p.fields)) {
          t.ok(declared[k], `${file}: disk.${k} is declared`);
          if (declared[k] === 'int') t.ok(Number.isSafeInteger(v), `${file}: disk.${k}=${v} is an integer`);
          if (declared[k] === 'float') t.type(v, 'number');
          if (declared[k] === 'string') t.type(v, 'string');
        }
      } else {
        t.equal(p.measurement, 'smart_attr');
        t.same(Object.keys(p.tags).sort(), ['disk', 'id', 'name']);
        t.ok(Object.keys(p.fields).every((k) => ['value', 'worst', 'thresh', 'raw'].includes(k)));
        t.ok(Object.values(p.fields).every((v) => Number.isSafeInteger(v)), `${file}: smart_attr ${p.tags.id} integers`);
        t.ok('value' in p.fields || 'raw' in p.fields, `${file}: smart_attr ${p.tags.id} has data`);
      }
    }
  }
});

t.test('the disk tag is the serial, else the WWN, else the device path with its -d type', async (t) => {
  const ata = capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json');
  t.equal(reportFromJson(ata).device.key, '9RK1XXXX');
  delete ata.serial_number;
  // naa 5, oui 3274 (0x000cca), id 10283057623 (0x264eb01d7): smartctl prints "5 000cca 264eb01d7".
  t.equal(reportFromJson(ata).device.key, '5000cca264eb01d7');
  const mr = capture('ata-hdd-megaraid__wd4000fyyx__realloc-387-attrcheck__scrutiny.json');
  delete mr.serial_number;
  delete mr.wwn;
  t.equal(reportFromJson(mr).device.key, '/dev/sda:sat+megaraid,1');
  t.equal(reportFromJson(capture('error__qemu-virtual-disk-no-smart__exit4__smart-prom-next.json')).device.key, '/dev/sda');
  t.equal(reportFromJson(capture('error__windows-open-failed__exit2__scrutiny.json')).device.key, '/dev/sda', 'path from smartctl argv');
});

t.test('the report carries device identity, decoded exit bits and the reading for the next trend check', async (t) => {
  const r = reportFromJson(capture('usb-jmicron__hitachi-hds721050dle630__smart-failed-realloc-1975__scrutiny.json'));
  t.match(r.device, { protocol: 'ATA', model: 'Hitachi HDS721050DLE630', serial: 'MSK423Y20S3HBC', capacity_bytes: 500107862016, type: 'usbjmicron', kind: 'hdd' });
  t.same(r.exit.code, 216);
  t.same(r.exit.bits.map((b) => b.name), ['FAILSTATUS', 'FAILATTR', 'FAILERR', 'FAILLOG']);
  t.ok(r.reading);
  t.equal(r.points.filter((p) => p.measurement === 'smart_attr').length, 17);
  const unknown = reportFromJson(capture('error__qemu-virtual-disk-no-smart__exit4__smart-prom-next.json'));
  t.equal(unknown.reading, undefined, 'an unreadable disk leaves no reading to compare against');
  t.match(unknown.reasons[0]?.text, /no SMART data \(exit 4/);
});

t.test('input that is not smartctl JSON is unknown, never a throw', async (t) => {
  for (const junk of [null, 42, 'text', [], {}, { devices: 'x' }]) {
    const r = reportFromJson(junk);
    t.equal(r.verdict, 'unknown');
    t.equal(r.reasons[0]?.code, 'not_smartctl');
  }
  const truncated = { smartctl: { exit_status: 0 }, device: { name: '/dev/sda', protocol: 'ATA' }, ata_smart_attributes: { table: [{ id: 'x' }, null, 5] } };
  t.equal(reportFromJson(truncated).verdict, 'unknown');
});

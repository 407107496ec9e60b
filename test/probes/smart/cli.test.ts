import { chmodSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { smartCommand } from '../../../probes/smart/cli.js';
import { FIXTURES } from './load.js';

const REPLAY = FIXTURES + 'replay-smartctl.mjs';
chmodSync(REPLAY, 0o755);

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += String(c)));
  const code = await smartCommand(argv, out);
  return { code, out: text };
}

t.test('--from-json: verdict first, then reasons and the key attributes; exit 1 for fail', async (t) => {
  const { code, out } = await run(['--from-json', FIXTURES + 'ata-hdd-megaraid__wd4000fyyx__realloc-387-attrcheck__scrutiny.json']);
  t.equal(code, 1);
  const lines = out.split('\n');
  t.match(lines[0], /^FAIL: replace this disk now/);
  t.match(lines[1], /WD4000FYYX · serial XXXXXXXXXXXX · 4\.0 TB · ATA HDD · \/dev\/sda \(-d sat\+megaraid,1\)/);
  t.match(lines[2], /why +\[fail\] 387 reallocated sectors/);
  t.match(out, /reallocated 387 · pending 0 · uncorrectable 0/);
  t.match(out, /\n +5 +Reallocated_Sector_Ct +188 +188 +140 +387\n/);
  t.match(out, /smartctl exit 4\n +bit 2 FAILSMART/);
  t.match(out, /note +overall health came from smartctl's attribute check/);
});

t.test('exit codes: 0 for ok and info, 1 for warn and unknown', async (t) => {
  const table: [string, number, RegExp][] = [
    ['ata-hdd__wdc-wd140edfz__healthy__scrutiny.json', 0, /^OK: no problems found/],
    ['sata-ssd__samsung-840__crc199-108__scrutiny.json', 0, /^INFO/],
    ['nvme__samsung-970evo__media-errors-7__scrutiny.json', 1, /^WARN: plan a replacement/],
    ['error__qemu-virtual-disk-no-smart__exit4__smart-prom-next.json', 1, /^UNKNOWN: SMART could not be read/],
  ];
  for (const [file, want, head] of table) {
    const { code, out } = await run(['--from-json', FIXTURES + file]);
    t.equal(code, want, file);
    t.match(out, head);
  }
});

t.test('--json prints the SMART report of DESIGN.md', async (t) => {
  const { code, out } = await run(['--from-json', FIXTURES + 'nvme__samsung-970evo__media-errors-7__scrutiny.json', '--json']);
  t.equal(code, 1);
  const r = JSON.parse(out);
  t.match(r, { device: { protocol: 'NVMe', model: 'Samsung SSD 970 EVO 500GB', serial: 'S466NX0M776250H', capacity_bytes: 500107862016 }, verdict: 'warn', exit: { code: 0, bits: [] } });
  t.ok(Array.isArray(r.reasons) && Array.isArray(r.points));
});

t.test('DEVICE runs smartctl with the -d type given', async (t) => {
  const { code, out } = await run(['/dev/bus/0', '-d', 'sat+megaraid,1', '--smartctl', REPLAY, '--json']);
  t.equal(code, 1);
  const r = JSON.parse(out);
  t.equal(r.verdict, 'fail');
  t.equal(r.device.path, '/dev/bus/0');
  t.equal(r.points[0].fields.source, 'cli');
  const ok = await run(['/dev/sda', '--type', 'sat', '--smartctl', REPLAY]);
  t.equal(ok.code, 0);
  t.match(ok.out, /^OK/);
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  for (const argv of [[], ['--json'], ['/dev/sda', '/dev/sdb'], ['--bogus', '/dev/sda'], ['--from-json'], ['/dev/sda', '--from-json', 'x.json']]) {
    const { code, out } = await run(argv);
    t.equal(code, 2, argv.join(' '));
    t.match(out, /usage: outpost smart/);
  }
  const missing = await run(['--from-json', FIXTURES + 'nope.json']);
  t.equal(missing.code, 2);
  t.match(missing.out, /cannot read/);
  t.equal((await run(['--help'])).code, 0);
});

t.test('a smartctl that cannot be run exits 1 with the reason', async (t) => {
  const { code, out } = await run(['/dev/sda', '--smartctl', FIXTURES + 'no-such-smartctl']);
  t.equal(code, 1);
  t.match(out, /smartctl could not be started/);
});

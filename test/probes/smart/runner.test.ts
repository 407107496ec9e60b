import { chmodSync } from 'node:fs';
import t from 'tap';
import { createSmartProbe, readSmart, runSmart, type SmartExec } from '../../../probes/smart/index.js';
import { capture, FIXTURES } from './load.js';

const REPLAY = FIXTURES + 'replay-smartctl.mjs';
const SLEEP = FIXTURES + 'sleep-smartctl.mjs';
// A checkout can drop the executable bit; the scripts are run directly, as smartctl would be.
chmodSync(REPLAY, 0o755);
chmodSync(SLEEP, 0o755);

/** Long enough for node to start under a loaded CI box, short enough to keep the hang case quick. */
// Generous: each replay starts a node process, which is slow on a loaded 2-core CI machine.
const TIMEOUT_MS = 20_000;

t.test('readSmart scans, reads each disk with its -d type, and survives a hung and an unopenable disk', async (t) => {
  const reports = await readSmart({ smartctlPath: REPLAY, timeoutMs: TIMEOUT_MS });
  const byWhere = Object.fromEntries(reports.map((r) => [`${r.device.path}|${r.device.type}`, r]));
  t.same(Object.keys(byWhere), ['/dev/sda|sat', '/dev/bus/0|sat+megaraid,0', '/dev/bus/0|sat+megaraid,1', '/dev/nvme0|nvme', '/dev/sdb|sat', '/dev/sdc|scsi']);
  t.equal(byWhere['/dev/sda|sat']?.verdict, 'ok');
  // Two MegaRAID members share /dev/bus/0; only the -d type tells them apart.
  t.equal(byWhere['/dev/bus/0|sat+megaraid,0']?.verdict, 'ok');
  t.equal(byWhere['/dev/bus/0|sat+megaraid,1']?.verdict, 'fail');
  t.equal(byWhere['/dev/bus/0|sat+megaraid,1']?.exit.code, 4, 'process exit status decoded');
  t.same(byWhere['/dev/bus/0|sat+megaraid,1']?.exit.bits.map((b) => b.name), ['FAILSMART']);
  t.equal(byWhere['/dev/nvme0|nvme']?.verdict, 'warn');
  const hung = byWhere['/dev/sdb|sat'];
  t.equal(hung?.verdict, 'unknown');
  t.match(hung?.reasons[0]?.text, new RegExp(`timed out after ${TIMEOUT_MS / 1000} s reading /dev/sdb`));
  t.equal(hung?.points[0]?.fields.health, 'unknown');
  t.equal(hung?.points[0]?.tags.disk, '/dev/sdb');
  const denied = byWhere['/dev/sdc|scsi'];
  t.equal(denied?.verdict, 'unknown');
  t.match(denied?.reasons[0]?.text, /Permission denied.*root or CAP_SYS_RAWIO/);
  t.equal(byWhere['/dev/sda|sat']?.points[0]?.fields.source, 'smartctl');
});

t.test('a smartctl that never answers the scan times out with a reason, never a throw', async (t) => {
  const run = await runSmart({ smartctlPath: SLEEP, timeoutMs: 1000 });
  t.equal(run.error, 'timeout');
  t.match(run.message, /--scan-open timed out/);
  t.same(await readSmart({ smartctlPath: SLEEP, timeoutMs: 1000 }), []);
});

t.test('a single configured device that hangs is unknown with the reason', async (t) => {
  const started = Date.now();
  const reports = await readSmart({ smartctlPath: SLEEP, timeoutMs: 1000, devices: [{ name: '/dev/sdz', type: 'sat' }] });
  t.ok(Date.now() - started >= 1000, 'waited for the timeout');
  t.equal(reports.length, 1);
  t.equal(reports[0]?.verdict, 'unknown');
  t.match(reports[0]?.reasons[0]?.text, /timed out/);
});

t.test('a missing smartctl is a not-found run error naming the fix', async (t) => {
  const run = await runSmart({ smartctlPath: FIXTURES + 'no-such-smartctl', timeoutMs: 1000 });
  t.equal(run.error, 'not-found');
  t.match(run.message, /install smartmontools/);
});

t.test('a device smartctl cannot open keeps its path and says why', async (t) => {
  const [r] = await readSmart({ smartctlPath: REPLAY, timeoutMs: TIMEOUT_MS, devices: [{ name: '/dev/sdq' }] });
  t.equal(r?.verdict, 'unknown');
  t.equal(r?.device.path, '/dev/sdq');
  t.equal(r?.exit.code, 2);
  t.match(r?.reasons[0]?.text, /No such device/);
});

/** In-memory exec for cases a script cannot stage cheaply. */
const fakeExec = (answers: Record<string, { stdout: string; exitCode: number }>, calls: string[][] = []): SmartExec =>
  async (_file, args) => {
    calls.push([...args]);
    const a = answers[args[args.length - 1]!] ?? { stdout: '', exitCode: 2 };
    return { ...a, stderr: '', timedOut: false };
  };

t.test('output that is not JSON is unknown for that disk only', async (t) => {
  const calls: string[][] = [];
  const exec = fakeExec(
    {
      '/dev/sda': { stdout: JSON.stringify(capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json')), exitCode: 0 },
      '/dev/sdb': { stdout: 'smartctl 6.2 2013-07-26 r3841\nUNRECOGNIZED OPTION: j\n', exitCode: 1 },
    },
    calls,
  );
  const reports = await readSmart({ exec, devices: [{ name: '/dev/sda', type: 'sat' }, { name: '/dev/sdb' }] });
  t.same(calls, [['-j', '-x', '-d', 'sat', '/dev/sda'], ['-j', '-x', '/dev/sdb']]);
  t.same(reports.map((r) => r.verdict), ['ok', 'unknown']);
  t.match(reports[1]?.reasons[0]?.text, /printed no JSON for \/dev\/sdb \(exit 1\): smartctl 6\.2/);
});

t.test('a scan that is not JSON (smartctl older than 7.0) is a protocol error', async (t) => {
  const exec: SmartExec = async () => ({ stdout: '/dev/sda -d sat # /dev/sda [SAT], ATA device\n', stderr: '', exitCode: 0, timedOut: false });
  const run = await runSmart({ exec });
  t.equal(run.error, 'protocol');
  t.match(run.message, /7\.0\+/);
});

t.test('an aborted signal stops the run between disks', async (t) => {
  const ac = new AbortController();
  ac.abort();
  const run = await runSmart({ exec: fakeExec({}), devices: [{ name: '/dev/sda' }], signal: ac.signal });
  t.equal(run.error, 'aborted');
  t.same(run.reports, []);
});

t.test('smartProbe.collect returns every disk point, and escalates a counter that rose since its last collect', async (t) => {
  const json = capture('ata-hdd__wdc-wd140edfz__healthy__scrutiny.json');
  const withRealloc = (n: number) => {
    const j = structuredClone(json);
    j.ata_smart_attributes.table.find((a: { id: number }) => a.id === 5).raw = { value: n, string: String(n) };
    return JSON.stringify(j);
  };
  let answer: string | 'hang' = withRealloc(3);
  const exec: SmartExec = async (_f, args) => {
    if (args.includes('--scan-open')) {
      return { stdout: JSON.stringify({ devices: [{ name: '/dev/sda', type: 'sat', protocol: 'ATA' }] }), stderr: '', exitCode: 0, timedOut: false };
    }
    if (answer === 'hang') return { stdout: '', stderr: '', exitCode: null, timedOut: true };
    return { stdout: answer, stderr: '', exitCode: 0, timedOut: false };
  };
  const probe = createSmartProbe({ exec });
  t.equal(probe.name, 'smart');
  t.equal(probe.defaultIntervalMs, 3_600_000);
  const first = await probe.collect();
  t.equal(first.ok, true);
  t.equal(first.reports[0]?.verdict, 'warn');
  t.equal(first.points.filter((p) => p.measurement === 'disk').length, 1);
  t.ok(first.points.some((p) => p.measurement === 'smart_attr' && p.tags.id === '5' && p.fields.raw === 3));
  answer = withRealloc(5);
  t.equal((await probe.collect()).reports[0]?.verdict, 'fail', 'rose 3 → 5');
  answer = 'hang';
  const hung = await probe.collect();
  t.equal(hung.ok, true, 'the probe ran; the disk is what is unknown');
  t.equal(hung.reports[0]?.verdict, 'unknown');
  t.match(hung.errors[0], /\/dev\/sda: smartctl timed out/);
  answer = withRealloc(5);
  t.equal((await probe.collect()).reports[0]?.verdict, 'warn', 'steady at 5 after a failed read: back to the static level');
  answer = withRealloc(6);
  t.equal((await probe.collect()).reports[0]?.verdict, 'fail', 'the unknown read did not reset the trend');
});

t.test('smartProbe.collect reports a missing smartctl as ok=false, not a throw', async (t) => {
  const r = await createSmartProbe().collect({ smartctl: FIXTURES + 'no-such-smartctl', timeoutMs: 1000 });
  t.equal(r.ok, false);
  t.equal(r.error, 'not-found');
  t.same(r.points, []);
});

t.test('the smart config block is strict and maps to a target', async (t) => {
  const { Value } = await import('@sinclair/typebox/value');
  const { SmartDeviceConfig, targetFromConfig } = await import('../../../probes/smart/index.js');
  t.ok(Value.Check(SmartDeviceConfig, true));
  t.ok(Value.Check(SmartDeviceConfig, { smartctl: '/usr/sbin/smartctl', timeout_s: 30, devices: [{ name: '/dev/bus/0', type: 'megaraid,2' }] }));
  t.notOk(Value.Check(SmartDeviceConfig, { timeout: 30 }), 'unknown keys are rejected');
  t.notOk(Value.Check(SmartDeviceConfig, false));
  t.same(targetFromConfig(true), {});
  t.same(targetFromConfig({ timeout_s: 30, devices: [{ name: '/dev/sda' }] }), { smartctl: undefined, timeoutMs: 30_000, devices: [{ name: '/dev/sda' }] });
});

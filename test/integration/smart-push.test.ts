import t from 'tap';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';

/**
 * scripts/smart-push.sh against `outpost serve` (built: run `npm run build` first), with the replaying smartctl
 * standing in for real disks: a SATA disk, two MegaRAID members, an NVMe drive, one disk that hangs and one the
 * scan could not open (test/fixtures/smart/replay-smartctl.mjs).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'server', 'cli.js');
const SCRIPT = join(ROOT, 'scripts', 'smart-push.sh');
const REPLAY = join(ROOT, 'test', 'fixtures', 'smart', 'replay-smartctl.mjs');
const PORT = 19900 + (process.pid % 100);
const BASE = `http://127.0.0.1:${PORT}`;

function push(env: Record<string, string>) {
  // OUTPOST_PUSH_CONF points nowhere so a settings file on the test machine cannot leak in.
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', OUTPOST_PUSH_CONF: '/nonexistent', SMART_TIMEOUT: '6' };
  return spawnSync('sh', [SCRIPT], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
}

t.test('smart-push.sh pushes every disk the scan lists and GET /api/disks shows them with their verdicts', async (t) => {
  const dir = tempDir(t);
  const cfgPath = join(dir, 'outpost.yaml');
  writeFileSync(cfgPath, `site: { id: push-test }\nserver: { port: ${PORT}, host: 127.0.0.1 }\ndevices:\n  - { name: fs1, host: 127.0.0.1, ping: false }\n`);
  const env = { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  const token = execFileSync('node', [CLI, 'token', 'create', 'pusher', '--role', 'tech', '--config', cfgPath], { env, encoding: 'utf8' }).trim();
  const viewer = execFileSync('node', [CLI, 'token', 'create', 'dash', '--role', 'viewer', '--config', cfgPath], { env, encoding: 'utf8' }).trim();
  const child: ChildProcess = spawn('node', [CLI, 'serve', '--config', cfgPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await waitFor('server', async () => ((await fetch(`${BASE}/api/health`)).ok ? true : undefined), 20_000);

  // Batches of 2 prove a push split over several requests loses nothing.
  const run = push({ OUTPOST: BASE, OUTPOST_TOKEN: token, SMARTCTL: REPLAY, SMART_PUSH_HOST: 'fs1', SMART_PUSH_BATCH: '2' });
  t.equal(run.status, 1, `exit 1: pushed, one disk unreadable\n${run.stdout}${run.stderr}\n${log}`);
  t.match(run.stderr, /\/dev\/sdb: smartctl timed out after 6 s/);
  t.match(run.stdout, /pushed 6 disk\(s\) from fs1/);

  const res = await fetch(`${BASE}/api/disks`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 200);
  const disks = (await res.json()) as Array<{ key: string; model?: string; verdict: string; reasons: Array<{ text: string }>; sources: Array<{ device: string; source: string }> }>;
  // The two MegaRAID members share a redacted serial and model but not their WWN: two disks, one healthy.
  t.same(disks.map((d) => `${d.key.startsWith('XXXX') ? 'XXXX' : d.key} ${d.model ?? '-'}: ${d.verdict}`).sort(), [
    '9RK1XXXX WDC WD140EDFZ-11A0VA0: ok',
    'S466NX0M776250H Samsung SSD 970 EVO 500GB: warn',
    'XXXX WD4000FYYX: fail',
    'XXXX WD4000FYYX: ok',
    'fs1:/dev/sdb -: unknown',
    'fs1:/dev/sdc -: unknown',
  ]);
  t.same(disks.map((d) => d.sources.map((s) => `${s.device}/${s.source}`)), disks.map(() => ['fs1/push']), 'each disk has its own push source');
  t.match(disks.find((d) => d.key === 'fs1:/dev/sdb')?.reasons[0]?.text, /timed out/);

  // A viewer token cannot push; the script says so and exits 4.
  const denied = push({ OUTPOST: BASE, OUTPOST_TOKEN: viewer, SMARTCTL: REPLAY, SMART_PUSH_HOST: 'fs1' });
  t.equal(denied.status, 4, denied.stderr);
  t.match(denied.stderr, /push to .* failed/);
});

t.test('smart-push.sh exit codes: 2 settings, 3 no smartctl, 4 unreachable', async (t) => {
  const none = push({ OUTPOST_TOKEN: 'x', SMARTCTL: REPLAY });
  t.equal(none.status, 2);
  t.match(none.stderr, /OUTPOST is not set/);
  t.equal(push({ OUTPOST: BASE, SMARTCTL: REPLAY }).status, 2, 'no token');
  t.equal(push({ OUTPOST: BASE, OUTPOST_TOKEN: 'x', SMARTCTL: REPLAY, SMART_PUSH_HOST: 'bad name' }).status, 2, 'bad host name');
  const noSmartctl = push({ OUTPOST: BASE, OUTPOST_TOKEN: 'x', SMARTCTL: '/nonexistent/smartctl', SMART_PUSH_HOST: 'fs1' });
  t.equal(noSmartctl.status, 3);
  t.match(noSmartctl.stderr, /smartmontools/);
  // Port 19999 has no listener (the range is this test's own).
  const down = push({ OUTPOST: 'http://127.0.0.1:19999', OUTPOST_TOKEN: 'x', SMARTCTL: REPLAY, SMART_PUSH_HOST: 'fs1' });
  t.equal(down.status, 4, down.stderr);
});

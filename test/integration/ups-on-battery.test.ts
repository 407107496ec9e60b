import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, tempDir } from '../helpers/app.js';
import { alertmanagerAvailable, startAlertmanager, type GettableAlert } from '../helpers/alertmanager.js';
import { RECORDINGS } from '../helpers/fixtures.js';
import { PACKAGE_ROOT } from '../../server/version.js';
import { waitFor } from '../helpers/wait.js';

// End to end, real parts only: snmpsim serving a real APC recording whose output status is writable
// (writecache), the real poller and alert engine, a real Alertmanager. Ports 19250-19279 (this file only).
const SIM_PORT = 19250;
const AM_PORT = 19260;
const TRAP_PORT = 19270;
const STATUS_OID = '1.3.6.1.4.1.318.1.1.1.4.1.1.0'; // PowerNet upsBasicOutputStatus: 2 onLine, 3 onBattery
const DEBOUNCE_MS = 6000;

function startFlippableUps(t: { teardown(fn: () => unknown): void }): string {
  const dir = tempDir(t, 'outpost-upsflip-');
  // snmpsim drops to `nobody`, which must be able to reach its data and cache below the 0700 temp dir.
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  mkdirSync(data);
  const rec = readFileSync(join(RECORDINGS, 'apc_smx750i.snmprec'), 'utf8').replace(`${STATUS_OID}|2|2`, `${STATUS_OID}|2:writecache|value=2`);
  if (!rec.includes('writecache')) throw new Error('status line not found in the recording');
  writeFileSync(join(data, 'ups-flip.snmprec'), rec);
  const run = join(dir, 'run');
  execFileSync(join(PACKAGE_ROOT, 'scripts', 'start-snmpsim.sh'), [String(SIM_PORT), data], { env: { ...process.env, SNMPSIM_RUN_DIR: run }, stdio: 'ignore', timeout: 120_000 });
  t.teardown(() => {
    try {
      process.kill(Number(readFileSync(join(run, 'snmpsim.pid'), 'utf8')), 'SIGTERM');
    } catch {
      /* already gone */
    }
  });
  return 'ups-flip';
}

function setStatus(community: string, value: 2 | 3): void {
  execFileSync('snmpset', ['-v2c', '-c', community, '-t', '2', '-r', '2', `127.0.0.1:${SIM_PORT}`, STATUS_OID, 'i', String(value)], { stdio: 'ignore' });
}

const until = <T>(what: string, fn: () => Promise<T | undefined>, ms: number) => waitFor(what, fn, ms, 100);

const onBattery = (list: GettableAlert[]) => list.filter((a) => a.labels.alertname === 'UpsOnBattery' && a.labels.device === 'ups1' && a.status?.state === 'active');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

t.test('a UPS flipped to battery gives one UpsOnBattery in Alertmanager after the debounce, then its resolve; a trap gets there without waiting for a poll', { skip: !alertmanagerAvailable() && 'prometheus-alertmanager not installed' }, async (t) => {
  const community = startFlippableUps(t);
  const am = await startAlertmanager(AM_PORT);
  t.teardown(() => am.stop());
  const app = await build(
    t,
    {
      site: { id: 'e2e' },
      credentials: { lan: { version: '2c', community } },
      defaults: { interval: '2s', timeout: '1s' },
      devices: [{ name: 'ups1', host: '127.0.0.1', port: SIM_PORT, snmp: 'lan', ping: false }],
      alerts: {
        rules: [{ rule: 'UpsOnBattery', device: 'ups1', for: `${DEBOUNCE_MS / 1000}s` }],
        // This test flips the UPS on purpose several times in a minute: flap damping would (rightly) hold it.
        flapping: { changes: 50 },
        notify: [{ type: 'alertmanager', url: am.url, repeat: '1m' }],
      },
    },
    { poll: true },
  );
  app.outpost.start();
  t.teardown(() => app.outpost.scheduler.stop());

  await until('first poll of ups1', async () => (app.outpost.scheduler.deviceState('ups1') === 'up' ? true : undefined), 20_000);
  t.same(onBattery(await am.alerts({ active: true })), [], 'nothing fires while on mains');

  // A blip seen by one poll (about 2 s, shorter than the debounce) pages nobody.
  const upsOnBatteryPolled = async () => (app.outpost.store.flush(), app.outpost.store.latest('ups1').find((l) => l.measurement === 'ups')?.fields.on_battery === true ? true : undefined);
  setStatus(community, 3);
  await until('a poll seeing the blip', upsOnBatteryPolled, 20_000);
  setStatus(community, 2);
  await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 3000));
  t.same(onBattery(await am.alerts({ active: true })), [], 'a blip shorter than the debounce does not page');

  const latencies: number[] = [];
  for (let round = 1; round <= 3; round++) {
    const flipped = Date.now();
    setStatus(community, 3);
    const firing = await until('UpsOnBattery in Alertmanager', async () => {
      const a = onBattery(await am.alerts({ active: true }));
      return a.length ? a : undefined;
    }, 30_000);
    latencies.push(Date.now() - flipped - DEBOUNCE_MS);
    t.equal(firing.length, 1, `round ${round}: exactly one UpsOnBattery`);
    t.match(firing[0]!.annotations.summary, /^ups1 on battery, \d+ % charge, \d+ min runtime$/);
    t.same(
      { alertname: firing[0]!.labels.alertname, site: firing[0]!.labels.site, device: firing[0]!.labels.device, class: firing[0]!.labels.class, severity: firing[0]!.labels.severity },
      { alertname: 'UpsOnBattery', site: 'e2e', device: 'ups1', class: 'ups', severity: 'critical' },
    );
    setStatus(community, 2);
    await until('the resolve in Alertmanager', async () => (onBattery(await am.alerts({ active: true })).length === 0 ? true : undefined), 30_000);
    t.pass(`round ${round}: resolved when power returned`);
  }
  t.comment(`state change -> Alertmanager, beyond the ${DEBOUNCE_MS} ms debounce (poll interval 2 s): median ${median(latencies)} ms, worst ${Math.max(...latencies)} ms over ${latencies.length} runs`);

});

t.test('an SNMP trap gets UpsOnBattery to Alertmanager without waiting for the next poll', { skip: !alertmanagerAvailable() && 'prometheus-alertmanager not installed' }, async (t) => {
  const community = startFlippableUps(t);
  const am = await startAlertmanager(AM_PORT + 1);
  t.teardown(() => am.stop());
  setStatus(community, 2);
  // The next poll is a minute away: only the trap can start the debounce in time.
  const app = await build(
    t,
    {
      site: { id: 'e2e' },
      credentials: { lan: { version: '2c', community } },
      defaults: { interval: '60s', timeout: '1s' },
      devices: [{ name: 'ups1', host: '127.0.0.1', port: SIM_PORT, snmp: 'lan', ping: false }],
      alerts: { rules: [{ rule: 'UpsOnBattery', device: 'ups1', for: `${DEBOUNCE_MS / 1000}s` }], notify: [{ type: 'alertmanager', url: am.url, repeat: '1m' }] },
      traps: { port: TRAP_PORT, address: '127.0.0.1' },
    },
    { poll: true },
  );
  app.outpost.start();
  t.teardown(() => app.outpost.scheduler.stop());
  await until('first poll of ups1', async () => (app.outpost.scheduler.deviceState('ups1') === 'up' ? true : undefined), 20_000);
  await until('the trap receiver', async () => (app.outpost.traps?.stats().listening ? true : undefined), 10_000);
  setStatus(community, 3);
  const sent = Date.now();
  execFileSync('snmptrap', ['-v', '2c', '-c', community, `127.0.0.1:${TRAP_PORT}`, '', '1.3.6.1.2.1.33.2.1'], { stdio: 'ignore' });
  await until('UpsOnBattery from the trap', async () => (onBattery(await am.alerts({ active: true })).length ? true : undefined), 30_000);
  const latency = Date.now() - sent - DEBOUNCE_MS;
  t.equal(app.outpost.traps!.stats().accepted, 1, 'the trap was accepted');
  t.ok(Date.now() - sent < 60_000, 'fired before the next poll');
  t.comment(`trap -> Alertmanager, beyond the ${DEBOUNCE_MS} ms debounce: ${latency} ms`);
  setStatus(community, 2);
});

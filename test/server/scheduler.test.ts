import t from 'tap';
import { Scheduler, spreadOffset, type PollSample } from '../../server/scheduler.js';
import type { ResolvedDevice } from '../../server/config/resolve.js';
import { recordingClient } from '../helpers/fixtures.js';
import { silentLogger } from '../../probes/types.js';
import type { SnmpClient, Varbind } from '../../probes/snmp/varbind.js';
import type { ExecFn } from '../../probes/ping/index.js';

const dev = (name: string, community: string, extra: Partial<ResolvedDevice> = {}): ResolvedDevice => ({
  name,
  host: '127.0.0.1',
  port: 1161,
  intervalMs: 400,
  timeoutMs: 100,
  retries: 0,
  snmp: { credentialName: 'c', credential: { version: '2c', community }, maxRepetitions: 25, interfaces: true },
  ...extra,
});

/** A client whose every request hangs until the poll is aborted: a device that never answers. */
function deadClient(signal?: AbortSignal): SnmpClient {
  const hang = () =>
    new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'SnmpError', code: 'aborted' })));
    });
  return { varbindCount: 0, get: hang, walk: hang, walkColumns: hang, close() {} } as unknown as SnmpClient;
}

const noPing: ExecFn = async () => ({ stdout: '', stderr: '', code: 0 });

t.test('spreadOffset() spreads devices over the interval and is stable per name', async (t) => {
  const offsets = new Set(Array.from({ length: 200 }, (_, i) => Math.floor(spreadOffset(`dev${i}`, 60_000) / 6000)));
  t.ok(offsets.size >= 9, `200 devices land in ${offsets.size} of 10 buckets`);
  t.equal(spreadOffset('ups1', 60_000), spreadOffset('ups1', 60_000));
});

t.test('a dead device never delays the others, and is reported down with a reason', async (t) => {
  const samples: PollSample[] = [];
  const s = new Scheduler({
    site: 's',
    log: silentLogger,
    concurrency: 4,
    staleAfter: 3,
    ping: { intervalMs: 60_000, count: 1, exec: noPing },
    connect: (target, ctx) => (target.credential.version === '2c' && target.credential.community === 'dead' ? deadClient(ctx.signal) : recordingClient(target.credential.version === '2c' ? target.credential.community : '')),
  });
  s.on('sample', (x) => samples.push(x));
  s.setDevices([dev('dead1', 'dead'), dev('ups1', 'apc_smx750i'), dev('fw1', 'fortigate_60f')]);
  s.start();
  await new Promise((r) => setTimeout(r, 2000));
  await s.stop();
  const ok = (n: string) => samples.filter((x) => x.device === n && x.probe === 'snmp' && x.ok).length;
  t.ok(ok('ups1') >= 3, `ups1 polled ${ok('ups1')} times`);
  t.ok(ok('fw1') >= 3, `fw1 polled ${ok('fw1')} times`);
  const dead = samples.filter((x) => x.device === 'dead1' && x.probe === 'snmp');
  t.ok(dead.length >= 1);
  t.equal(dead[0]!.ok, false);
  t.equal(dead[0]!.error, 'timeout');
  t.match(dead[0]!.message, /deadline/);
  t.equal(s.deviceState('dead1'), 'down');
  t.equal(s.deviceState('ups1'), 'up');
  const avail = dead[0]!.points.find((p) => p.measurement === 'availability')!;
  t.same(avail.tags, { site: 's', device: 'dead1', probe: 'snmp' });
  t.equal(avail.fields.up, false);
});

t.test('never two polls of one device at once: a slow device is skipped, not stacked', async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  // A poll opens one client and closes it when done: open clients = polls in flight.
  const slow = (): SnmpClient => {
    const base = recordingClient('apc_smx750i');
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const delay = async <T>(p: Promise<T>) => {
      await new Promise((r) => setTimeout(r, 150));
      return p;
    };
    return {
      get varbindCount() {
        return base.varbindCount;
      },
      get: (o: string[]) => delay(base.get(o)),
      walk: (b: string) => base.walk(b),
      walkColumns: (b: string[]) => base.walkColumns(b),
      close() {
        inFlight--;
      },
    } as SnmpClient;
  };
  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 4, staleAfter: 3, ping: { intervalMs: 60_000, count: 1, exec: noPing }, connect: () => slow() });
  s.setDevices([dev('ups1', 'x', { intervalMs: 100 })]);
  s.start();
  await new Promise((r) => setTimeout(r, 1500));
  await s.stop();
  t.equal(maxInFlight, 1);
  t.ok(s.overruns > 0, `overruns counted: ${s.overruns}`);
});

t.test('a device with no successful poll for 3 intervals becomes stale, distinct from down', async (t) => {
  let clock = 1_000_000;
  const samples: PollSample[] = [];
  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 1, staleAfter: 3, ping: { intervalMs: 1000, count: 1, exec: noPing }, now: () => clock });
  s.on('sample', (x) => samples.push(x));
  const d = dev('sw1', 'x', { snmp: undefined, ping: { count: 1 }, intervalMs: 1000 });
  s.setDevices([d]);
  // Drive the private recorder as the ping cycle would: one success, then nothing for 4 intervals.
  (s as unknown as { record: (...a: unknown[]) => void }).record((s as unknown as { devices: Map<string, unknown> }).devices.get('sw1'), 'ping', { ok: true, points: [], errors: [] }, clock, 1);
  t.equal(s.deviceState('sw1'), 'up');
  clock += 4000;
  (s as unknown as { checkStale: () => void }).checkStale();
  t.equal(s.deviceState('sw1'), 'stale');
  const stale = samples.at(-1)!;
  t.equal(stale.error, 'stale');
  t.equal(stale.points[0]!.fields.stale, true);
});

t.test('reload keeps counters of devices that stay', async (t) => {
  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 1, staleAfter: 3, ping: { intervalMs: 60_000, count: 1, exec: noPing } });
  s.setDevices([dev('a', 'x'), dev('b', 'y')]);
  const before = (s as unknown as { devices: Map<string, { counters: unknown }> }).devices.get('a')!.counters;
  s.setDevices([dev('a', 'x', { intervalMs: 999 })]);
  const after = (s as unknown as { devices: Map<string, { counters: unknown }> }).devices.get('a')!.counters;
  t.equal(before, after);
  t.equal(s.deviceState('b'), undefined);
  void ([] as Varbind[]);
});

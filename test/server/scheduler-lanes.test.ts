import t from 'tap';
import { Scheduler, autoConcurrency, unreachableSlots, type PollSample } from '../../server/scheduler.js';
import type { ResolvedDevice } from '../../server/config/resolve.js';
import { silentLogger } from '../../probes/types.js';
import type { ExecFn } from '../../probes/ping/index.js';
import { ensureSnmpsim } from '../helpers/snmpsim.js';

const noPing: ExecFn = async () => ({ stdout: '', stderr: '', code: 0 });

const device = (name: string, port: number, community: string, extra: Partial<ResolvedDevice> = {}): ResolvedDevice => ({
  name,
  host: '127.0.0.1',
  port,
  intervalMs: 60_000,
  timeoutMs: 1000,
  retries: 1,
  snmp: { credentialName: 'c', credential: { version: '2c', community }, maxRepetitions: 25, interfaces: true },
  ...extra,
});

t.test('auto concurrency scales with devices and interval, within 16–128', async (t) => {
  const many = (n: number, intervalMs: number) => Array.from({ length: n }, () => ({ intervalMs }));
  t.equal(autoConcurrency([]), 16);
  t.equal(autoConcurrency(many(10, 60_000)), 16, 'a small site keeps 16');
  t.equal(autoConcurrency(many(1000, 60_000)), 34, '1,000 devices a minute: 1000 × 1 s in 30 s');
  t.equal(autoConcurrency(many(1000, 30_000)), 67, 'a shorter interval needs more');
  t.equal(autoConcurrency(many(10_000, 60_000)), 128, 'capped');
  t.equal(unreachableSlots(34), 9);
  t.equal(unreachableSlots(1), 2);

  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 'auto', staleAfter: 3, ping: { intervalMs: 600_000, count: 1, exec: noPing } });
  s.setDevices(Array.from({ length: 1000 }, (_, i) => device(`d${i}`, 161, 'x')));
  t.same(s.lanes, { main: 34, unreachable: 9 }, 'sized from the device list');
  s.setDevices(Array.from({ length: 20 }, (_, i) => device(`d${i}`, 161, 'x')));
  t.same(s.lanes, { main: 16, unreachable: 4 }, 'resized on reload');
  const fixed = new Scheduler({ site: 's', log: silentLogger, concurrency: 5, staleAfter: 3, ping: { intervalMs: 600_000, count: 1, exec: noPing } });
  fixed.setDevices(Array.from({ length: 1000 }, (_, i) => device(`d${i}`, 161, 'x')));
  t.same(fixed.lanes, { main: 5, unreachable: 2 }, 'an explicit number is kept');
});

t.test('devices that stopped answering do not delay devices that answer (real snmpsim, dead ports)', async (t) => {
  const simPort = ensureSnmpsim();
  const intervalMs = 3000;
  // Nothing listens on 19601…19608: every request times out (1 s, 1 retry = 2 s a poll in the main lane). With
  // both main slots shared, 8 dead devices × 2 s / 2 slots = 8 s a round would push every healthy poll far past
  // its 3 s interval.
  const dead = Array.from({ length: 8 }, (_, i) => device(`dead${i}`, 19601 + i, 'public', { intervalMs }));
  const healthy = ['apc_smx750i', 'tplink_sg2008', 'cyberpower'].map((c) => device(`ok-${c}`, simPort, c, { intervalMs }));
  const samples: PollSample[] = [];
  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 2, staleAfter: 3, ping: { intervalMs: 600_000, count: 1, exec: noPing } });
  s.on('sample', (x) => x.probe === 'snmp' && samples.push(x));
  s.setDevices([...dead, ...healthy]);
  const started = Date.now();
  s.start();
  t.teardown(() => s.stop());
  await new Promise((r) => setTimeout(r, 21_000));
  await s.stop();

  // After the first round (every dead device has failed once and moved to the unreachable lane), each healthy
  // device keeps its interval: consecutive poll starts at most interval + 0.8 s apart.
  const settle = started + 9000;
  for (const h of healthy) {
    const times = samples.filter((x) => x.device === h.name).map((x) => x.time);
    const after = times.filter((x) => x >= settle);
    t.ok(after.length >= 3, `${h.name}: ${after.length} polls after the first rounds`);
    t.ok(samples.filter((x) => x.device === h.name).every((x) => x.ok), `${h.name}: every poll answered`);
    const prev = times.filter((x) => x < settle).pop();
    const edges = prev === undefined ? after : [prev, ...after];
    const worst = Math.max(...edges.slice(1).map((x, i) => x - edges[i]!));
    t.ok(worst <= intervalMs + 800, `${h.name}: worst gap ${worst} ms for a ${intervalMs} ms interval`);
  }

  // Dead devices: reported as timeouts; after their first failure they are polled without retries (one 1 s timeout).
  for (const d of dead) {
    const polls = samples.filter((x) => x.device === d.name);
    t.ok(polls.length >= 2, `${d.name} polled ${polls.length} times`);
    t.ok(polls.every((x) => !x.ok && x.error === 'timeout'), `${d.name}: every poll a timeout`);
    t.ok(polls[0]!.durationMs >= 1900, `${d.name}: first poll ${Math.round(polls[0]!.durationMs)} ms (timeout × 2 with its retry)`);
    for (const p of polls.slice(1)) t.ok(p.durationMs < 1800, `${d.name}: later poll ${Math.round(p.durationMs)} ms (no retry)`);
    t.equal(s.deviceState(d.name), 'down');
  }
});

import t from 'tap';
import { Scheduler, type PollSample } from '../../server/scheduler.js';
import type { ResolvedDevice } from '../../server/config/resolve.js';
import { silentLogger } from '../../probes/types.js';
import type { ExecFn } from '../../probes/ping/index.js';
import { ensureSnmpsim } from '../helpers/snmpsim.js';

const port = ensureSnmpsim();
const noPing: ExecFn = async () => ({ stdout: '', stderr: '', code: 0 });
const dev = (name: string, community: string): ResolvedDevice => ({
  name,
  host: '127.0.0.1',
  port,
  // Long enough that a loaded CI box does not cut polls at their deadline (interval - 1 s).
  intervalMs: 3000,
  timeoutMs: 1500,
  retries: 1,
  snmp: { credentialName: 'c', credential: { version: '2c', community }, maxRepetitions: 25, interfaces: true },
});

function nextSample(s: Scheduler, device: string): Promise<PollSample> {
  return new Promise((resolve) => {
    const on = (p: PollSample) => {
      if (p.device !== device || p.probe !== 'snmp') return;
      s.off('sample', on);
      resolve(p);
    };
    s.on('sample', on);
  });
}

t.test('the scheduler keeps one session per device across polls, renews it on reload, closes it on removal and stop', async (t) => {
  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 4, staleAfter: 3, ping: { intervalMs: 600_000, count: 1, exec: noPing } });
  s.setDevices([dev('ups1', 'apc_smx750i'), dev('sw1', 'dlink-dgs1250_28x')]);
  // Listen for sw1 before start: on a loaded box its first poll may end before or after ups1's second one.
  const swFirst = nextSample(s, 'sw1');
  s.start();
  t.teardown(() => s.stop());
  t.equal((await nextSample(s, 'ups1')).ok, true);
  const first = s.snmpSession('ups1');
  t.ok(first, 'session kept after the first poll');
  t.equal((await nextSample(s, 'ups1')).ok, true);
  t.equal(s.snmpSession('ups1'), first, 'same session object on the second poll');

  // Reload with another credential for ups1, and sw1 removed (after sw1 kept a session of its own).
  t.equal((await swFirst).ok, true, 'sw1 polled');
  const sw = s.snmpSession('sw1');
  t.ok(sw, 'sw1 kept its session');
  s.setDevices([dev('ups1', 'apc_sua1500rmi2u')]);
  t.equal(sw?.reusable, false, 'removed device: session closed');
  const after = await nextSample(s, 'ups1');
  t.equal(after.ok, true, String(after.message));
  t.not(s.snmpSession('ups1'), first, 'credential change: new session');
  t.equal(first?.reusable, false, 'old session closed');

  const last = s.snmpSession('ups1');
  await s.stop();
  t.equal(last?.reusable, false, 'stop closes the session');
  t.equal(s.snmpSession('ups1'), undefined);
});

import t from 'tap';
import { once } from 'node:events';
import { Scheduler, type PollSample } from '../../server/scheduler.js';
import type { ResolvedDevice } from '../../server/config/resolve.js';
import { silentLogger } from '../../probes/types.js';
import type { ExecFn } from '../../probes/ping/index.js';
import { ensureSnmpsim } from '../helpers/snmpsim.js';

const noPing: ExecFn = async () => ({ stdout: '', stderr: '', code: 0 });

// Nothing listens on this loopback port (the lanes test uses 19601…19608): every request times out.
const DEAD_PORT = 19671;

const device = (name: string, port: number, community: string): ResolvedDevice => ({
  name,
  host: '127.0.0.1',
  port,
  intervalMs: 3000,
  timeoutMs: 500,
  retries: 0,
  snmp: { credentialName: 'c', credential: { version: '2c', community }, maxRepetitions: 25, interfaces: true },
});

/** The next SNMP sample of `name`, whatever it says. */
async function nextSample(s: Scheduler, name: string): Promise<PollSample> {
  for (;;) {
    const [x] = (await once(s, 'sample')) as [PollSample];
    if (x.device === name && x.probe === 'snmp') return x;
  }
}

t.test('unreachableCount counts the device whose poll timed out, not the one that answered, and drops it when removed', async (t) => {
  const simPort = ensureSnmpsim();
  const dead = device('dead', DEAD_PORT, 'public');
  const alive = device('alive', simPort, 'apc_smx750i');
  const s = new Scheduler({ site: 's', log: silentLogger, concurrency: 2, staleAfter: 3, ping: { intervalMs: 600_000, count: 1, exec: noPing } });
  t.teardown(() => s.stop());
  s.setDevices([dead, alive]);
  t.equal(s.unreachableCount, 0, 'nobody is unreachable before a first poll');

  const counted: number[] = [];
  // Read inside the listener: the count must already include the device whose timeout this sample reports.
  s.on('sample', (x) => {
    if (x.probe === 'snmp' && x.device === 'dead') counted.push(s.unreachableCount);
  });
  const firstAlive = nextSample(s, 'alive');
  const firstDead = nextSample(s, 'dead');
  s.start();

  const d = await firstDead;
  t.equal(d.error, 'timeout', 'the dead port times out');
  t.same(counted.slice(0, 1), [1], 'one device in the unreachable lane after its first timeout');
  const a = await firstAlive;
  t.ok(a.ok, 'the snmpsim device answers');
  t.equal(s.unreachableCount, 1, 'the answering device does not count');

  s.setDevices([alive]);
  t.equal(s.unreachableCount, 0, 'back to 0 once the dead device is removed');
});

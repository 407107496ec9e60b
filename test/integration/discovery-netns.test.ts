import t from 'tap';
import { execFileSync } from 'node:child_process';
import { EmbeddedStore } from '../../server/store/embedded.js';
import { DiscoveryService } from '../../server/discovery/service.js';
import { config, tempDir } from '../helpers/app.js';
import { realExec, type ExecFn } from '../../probes/ping/index.js';
import { silentLogger } from '../../probes/types.js';

/**
 * A real sweep on a real (virtual) link: a network namespace holds one host, 10.199.88.2, behind a veth pair
 * whose host side is 10.199.88.1/29. The sweep covers 10.199.88.0/30 plus 10.199.88.3/32. In a /30, .3 is the
 * broadcast address and is never pinged, so it is listed as its own /32 to have a host that exists on the
 * link but does not answer. Needs root (CI runs as root) for `ip netns`.
 */
const isRoot = process.getuid?.() === 0;
const ns = `outpost-disc-${process.pid}`;
const hostIf = `vod${process.pid % 100000}h`;
const nsIf = `vod${process.pid % 100000}n`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

t.test('sweep of a namespace host: .2 answers ping only, .3 is silent, nothing else is probed', { skip: isRoot ? false : 'needs root for ip netns' }, async (t) => {
  t.teardown(() => {
    try {
      ip('netns', 'del', ns);
    } catch {
      // already gone
    }
    try {
      ip('link', 'del', hostIf);
    } catch {
      // deleting the namespace removed the pair
    }
  });
  ip('netns', 'add', ns);
  ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
  ip('link', 'set', nsIf, 'netns', ns);
  ip('addr', 'add', '10.199.88.1/29', 'dev', hostIf);
  ip('link', 'set', hostIf, 'up');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', '10.199.88.2/29', 'dev', nsIf);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up');
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');

  const store = new EmbeddedStore(tempDir(t), { rawMs: 1, fiveMinMs: 1, hourlyMs: 1 });
  t.teardown(() => store.close());
  const cfg = config({
    site: { id: 'lab' },
    credentials: { lan: { version: '2c', community: 'public' } },
    devices: [],
    discovery: { subnets: ['10.199.88.0/30', '10.199.88.3/32'], snmp_timeout: '500ms', rate: 100 },
  });
  const sweeps: string[][] = [];
  const exec: ExecFn = (f, args, o) => (sweeps.push(args), realExec(f, args, o));
  const svc = new DiscoveryService({ db: store.db, config: () => cfg, log: silentLogger, exec });
  const res = await svc.scan();

  t.equal(sweeps.length, 1);
  t.same(sweeps[0], ['-a', '-q', '-r', '0', '-t', '300', '-i', '10', '10.199.88.2', '10.199.88.3'], 'exact fping list: the box itself (.1), the network (.0) and .4–.7 are never probed');
  t.same(res.self, ['10.199.88.1']);
  t.same(res.alive, ['10.199.88.2']);
  t.equal(res.error, undefined);
  t.same(
    res.proposals.map((p) => [p.address, p.class, p.credential, p.vendor]),
    [['10.199.88.2', 'unknown', undefined, undefined]],
    'no SNMP agent in the namespace: a ping-only proposal',
  );
  t.match(res.proposals[0]!.snippet, /answers ping only/);
  t.same(svc.proposals.list().map((p) => p.address), ['10.199.88.2'], '.3 never became a proposal');
});

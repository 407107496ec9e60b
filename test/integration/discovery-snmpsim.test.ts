import t from 'tap';
import { EmbeddedStore } from '../../server/store/embedded.js';
import { DiscoveryService } from '../../server/discovery/service.js';
import { config, tempDir, type Tap } from '../helpers/app.js';
import { ensureSnmpsim, expectedClasses } from '../helpers/snmpsim.js';
import { realExec, type ExecFn } from '../../probes/ping/index.js';
import { silentLogger } from '../../probes/types.js';

/**
 * Discovery against real recordings: snmpsim on 127.0.0.1 answers a community only if a recording has that
 * name, so the site's credentials decide which "device" 127.0.0.1 turns out to be.
 */
const port = ensureSnmpsim();
const classes = expectedClasses();

function service(t: Tap, credentials: Record<string, string>, order?: string[]) {
  const store = new EmbeddedStore(tempDir(t), { rawMs: 1, fiveMinMs: 1, hourlyMs: 1 });
  t.teardown(() => store.close());
  const cfg = {
    ...config({
      site: { id: 'lab' },
      credentials: Object.fromEntries(Object.entries(credentials).map(([k, c]) => [k, { version: '2c', community: c }])),
      devices: [],
      discovery: { subnets: ['127.0.0.1/32'], port, snmp_timeout: '1s', ...(order ? { credentials: order } : {}) },
    }),
  };
  const sweeps: string[][] = [];
  const exec: ExecFn = (f, args, o) => (sweeps.push(args), realExec(f, args, o));
  return { svc: new DiscoveryService({ db: store.db, config: () => cfg, log: silentLogger, exec }), sweeps };
}

t.test('the first credential that answers names the device; the class comes from the profiles', async (t) => {
  const { svc, sweeps } = service(t, { wrong: 'no-such-community', ups: 'apc_smx750i' });
  const res = await svc.scan();
  t.same(sweeps, [['-a', '-q', '-r', '0', '-t', '300', '-i', '20', '127.0.0.1']], 'fping got exactly the subnet');
  t.same(res.alive, ['127.0.0.1']);
  t.equal(res.proposals.length, 1);
  const p = res.proposals[0]!;
  t.equal(p.credential, 'ups', 'the wrong community timed out, the next one answered');
  t.equal(p.class, 'ups');
  t.equal(p.vendor, 'APC');
  t.ok(p.model, `model read by the profile: ${p.model}`);
  t.equal(p.status, 'proposed');
  t.match(p.snippet, /snmp: ups/);
  t.same(svc.proposals.list().map((x) => x.address), ['127.0.0.1'], 'stored in discovery_proposals');
});

for (const rec of ['fortigate_60f', 'procurve_nac', 'dsm', 'windows_svr_2019_1809', 'cyberpower']) {
  t.test(`127.0.0.1 as ${rec} is proposed as ${classes.get(rec)}`, async (t) => {
    const { svc } = service(t, { site: rec });
    const res = await svc.scan();
    t.equal(res.proposals[0]?.class, classes.get(rec));
    t.equal(res.proposals[0]?.credential, 'site');
  });
}

t.test('discovery.credentials limits and orders what is tried', async (t) => {
  const { svc } = service(t, { fw: 'fortigate_60f', ups: 'apc_smx750i' }, ['ups']);
  const res = await svc.scan();
  t.equal(res.proposals[0]?.credential, 'ups');
  t.equal(res.proposals[0]?.class, 'ups');
});

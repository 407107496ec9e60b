import t from 'tap';
import { parse } from 'yaml';
import { buildWithReports } from '../reports/app-with-reports.js';
import { login } from '../../helpers/app.js';
import type { ExecFn } from '../../../probes/ping/index.js';
import type { Proposal, ScanResult } from '../../../server/discovery/schema.js';
import { proposalSnippet } from '../../../server/discovery/snippet.js';
import { validateConfig } from '../../../server/config/load.js';

t.test('proposalSnippet is a devices: entry the config accepts', async (t) => {
  const p: Proposal = { address: '192.168.1.20', sysName: 'UPS-Lobby.acme.local', class: 'ups', vendor: 'APC', model: 'Smart-UPS 750', credential: 'lan', firstSeen: 0, lastSeen: 0, status: 'accepted' };
  const snip = proposalSnippet(p, new Set(['ups-lobby']));
  t.match(snip, /^# discovered 1970-01-01T00:00:00.000Z: ups, APC Smart-UPS 750\n/);
  const entry = parse(snip) as Array<Record<string, string>>;
  t.same(entry, [{ name: 'ups-lobby-2', host: '192.168.1.20', snmp: 'lan' }], 'name taken: suffixed');
  const res = validateConfig({ site: { id: 's' }, credentials: { lan: { version: '2c', community: 'c' } }, devices: entry }, {});
  t.ok(res.ok, JSON.stringify(res));
  const pingOnly = parse(proposalSnippet({ address: '10.0.0.9', class: 'unknown', firstSeen: 0, lastSeen: 0, status: 'proposed' })) as unknown;
  t.same(pingOnly, [{ name: 'host-10-0-0-9', host: '10.0.0.9' }]);
});

t.test('scan → proposals → ignore/accept through the API; configured hosts are not proposed', async (t) => {
  const sweeps: string[][] = [];
  const exec: ExecFn = async (_f, args) => {
    sweeps.push(args);
    return { stdout: '127.9.0.1\n127.9.0.5\n127.9.0.6\n', stderr: '', code: 1 };
  };
  const app = await buildWithReports(
    t,
    { site: { id: 's' }, credentials: { lan: { version: '2c', community: 'c' } }, devices: [{ name: 'fw1', host: '127.9.0.1' }] },
    // Loopback only, even if the fake sweep were bypassed; port 9 has no agent, as on a LAN of printers.
    { discovery: { subnets: ['127.9.0.0/29'], port: 9, snmp_timeout: '200ms' } },
    { exec },
  );
  const admin = await login(app, 'admin');
  const tech = await login(app, 'tech', 'tech1');
  t.equal((await app.inject({ method: 'POST', url: '/api/discovery/scan', headers: { cookie: tech } })).statusCode, 403, 'sweeping is for admins');
  const res = await app.inject({ method: 'POST', url: '/api/discovery/scan', headers: { cookie: admin } });
  t.equal(res.statusCode, 200, res.body);
  const scan = res.json() as ScanResult;
  t.same(sweeps[0]!.slice(8), ['127.9.0.1', '127.9.0.2', '127.9.0.3', '127.9.0.4', '127.9.0.5', '127.9.0.6']);
  t.same(scan.alive, ['127.9.0.1', '127.9.0.5', '127.9.0.6']);
  t.same(scan.configured, ['127.9.0.1']);
  t.same(scan.proposals.map((p) => [p.address, p.class, p.credential]), [['127.9.0.5', 'unknown', undefined], ['127.9.0.6', 'unknown', undefined]]);

  const ign = await app.inject({ method: 'POST', url: '/api/discovery/proposals/127.9.0.5/ignore', headers: { cookie: tech } });
  t.equal(ign.json().status, 'ignored');
  const acc = await app.inject({ method: 'POST', url: '/api/discovery/proposals/127.9.0.6/accept', headers: { cookie: tech } });
  t.match(acc.json().snippet, /host: 127\.9\.0\.6/);
  t.equal((await app.inject({ method: 'POST', url: '/api/discovery/proposals/127.9.0.7/accept', headers: { cookie: tech } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/discovery/proposals/not-an-ip/accept', headers: { cookie: tech } })).statusCode, 400);

  await app.inject({ method: 'POST', url: '/api/discovery/scan', headers: { cookie: admin } });
  const list = (await app.inject({ url: '/api/discovery/proposals', headers: { cookie: tech } })).json() as Proposal[];
  t.same(list.map((p) => [p.address, p.status, !!p.snippet]), [['127.9.0.5', 'ignored', false], ['127.9.0.6', 'accepted', true]], 'a rescan keeps the tech\'s decision');
  const only = (await app.inject({ url: '/api/discovery/proposals?status=ignored', headers: { cookie: tech } })).json() as Proposal[];
  t.same(only.map((p) => p.address), ['127.9.0.5']);
});

t.test('scan without discovery config is a 400 with the reason', async (t) => {
  const app = await buildWithReports(t, { site: { id: 's' }, devices: [] });
  const admin = await login(app, 'admin');
  const res = await app.inject({ method: 'POST', url: '/api/discovery/scan', headers: { cookie: admin } });
  t.equal(res.statusCode, 400);
  t.match(res.json().message, /discovery is not configured/);
});

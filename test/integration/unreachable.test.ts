import t from 'tap';
import { makeTestHost } from '../helpers/netns.js';
import { pingHosts } from '../../probes/ping/index.js';
import { collectSnmp } from '../../probes/snmp/index.js';
import { silentLogger } from '../../probes/types.js';

// Hosts live in a network namespace made here; nothing is sent beyond it. Making one needs root (CI is root).
const skip = process.getuid?.() !== 0 && 'network namespaces need root';
const host = skip ? undefined : makeTestHost(77);
if (host) t.teardown(() => host.remove());

t.test('fping reports the namespace host up and the unassigned address down, in one process', { skip }, async (t) => {
  const res = await pingHosts([host!.answering, host!.silent], { count: 3, periodMs: 100, timeoutMs: 300, log: silentLogger });
  const up = res.get(host!.answering)!;
  const down = res.get(host!.silent)!;
  t.equal(up.ok, true);
  t.equal(up.points[0]!.fields.loss_pct, 0);
  t.equal(down.ok, false);
  t.equal(down.error, 'unreachable');
  t.equal(down.points[0]!.fields.loss_pct, 100);
});

t.test('SNMP to a host that answers ping but runs no agent is down (timeout), with a reason', { skip }, async (t) => {
  const r = await collectSnmp({ host: host!.answering, credential: { version: '2c', community: 'public' } }, { log: silentLogger, now: Date.now(), timeoutMs: 300, retries: 0 });
  t.equal(r.ok, false);
  t.match(r.error, /^(timeout|refused)$/);
  t.ok(r.message);
});

t.test('SNMP to an address nobody has is down, never an exception', { skip }, async (t) => {
  const r = await collectSnmp({ host: host!.silent, credential: { version: '2c', community: 'public' } }, { log: silentLogger, now: Date.now(), timeoutMs: 300, retries: 0 });
  t.equal(r.ok, false);
  t.match(r.error, /^(timeout|unreachable)$/);
});

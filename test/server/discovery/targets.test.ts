import t from 'tap';
import { fpingArgs, hostsOf, inSubnets, parseCidr, sweepTargets } from '../../../server/discovery/targets.js';
import { discoveryConfigErrors } from '../../../server/discovery/config.js';
import { sweep } from '../../../server/discovery/sweep.js';
import type { ExecFn } from '../../../probes/ping/index.js';

t.test('sweepTargets lists exactly the hosts of the configured subnets', async (t) => {
  t.same(sweepTargets(['10.199.88.0/30']), ['10.199.88.1', '10.199.88.2']);
  t.same(sweepTargets(['127.0.0.1/32']), ['127.0.0.1']);
  t.same(sweepTargets(['10.0.0.0/31']), ['10.0.0.0', '10.0.0.1']);
  const c = sweepTargets(['192.168.4.0/22']);
  t.equal(c.length, 1022);
  t.equal(c[0], '192.168.4.1');
  t.equal(c.at(-1), '192.168.7.254');
  t.ok(c.every((ip) => inSubnets(ip, ['192.168.4.0/22'])));
  t.same(sweepTargets(['10.0.0.0/30', '10.0.0.0/30']), ['10.0.0.1', '10.0.0.2'], 'no address twice');
});

t.test('parseCidr refuses bigger than /22, host bits and non-addresses', async (t) => {
  t.throws(() => parseCidr('10.0.0.0/21'), /larger than \/22 \(2048 addresses\)/);
  t.throws(() => parseCidr('10.0.0.0/8'), /larger than \/22/);
  t.throws(() => parseCidr('10.0.0.7/24'), /host bits are set; the network is 10\.0\.0\.0\/24/);
  t.throws(() => parseCidr('10.0.0.256/32'), /not an IPv4 address/);
  t.throws(() => parseCidr('10.0.0.0'), /not CIDR/);
  t.same(hostsOf(parseCidr('10.1.2.0/29')), ['10.1.2.1', '10.1.2.2', '10.1.2.3', '10.1.2.4', '10.1.2.5', '10.1.2.6']);
  t.same(
    discoveryConfigErrors({ subnets: ['10.0.0.0/16', '10.0.0.0/24'], every: '5m', rate: 50, port: 161, snmp_timeout: '1s', credentials: ['lan', 'nope'] }, ['lan']),
    [
      { path: 'discovery.subnets[0]', message: '10.0.0.0/16 is larger than /22 (65536 addresses): split it into /22 or smaller subnets' },
      { path: 'discovery.every', message: 'must be at least 10m' },
      { path: 'discovery.credentials[1]', message: 'no credential named "nope" under credentials:' },
    ],
  );
});

t.test('fpingArgs: one try, short timeout, rate as an interval, explicit targets only', async (t) => {
  t.same(fpingArgs(['10.0.0.1', '10.0.0.2'], 50), ['-a', '-q', '-r', '0', '-t', '300', '-i', '20', '10.0.0.1', '10.0.0.2']);
  t.same(fpingArgs(['10.0.0.1'], 1000).slice(6, 8), ['-i', '1']);
  t.same(fpingArgs(['10.0.0.1'], 3).slice(6, 8), ['-i', '334']);
});

t.test('sweep keeps only targets from fping output and reports a broken fping', async (t) => {
  const calls: string[][] = [];
  const exec: ExecFn = async (_f, args) => {
    calls.push(args);
    return { stdout: '10.0.0.2\n8.8.8.8\n', stderr: '', code: 1 };
  };
  const r = await sweep(['10.0.0.1', '10.0.0.2'], 50, { exec });
  t.same(r.alive, ['10.0.0.2'], 'an address fping should never print is dropped');
  t.same(calls[0], fpingArgs(['10.0.0.1', '10.0.0.2'], 50));
  const missing: ExecFn = async () => ({ stdout: '', stderr: '', code: null, missing: true });
  await t.rejects(sweep(['10.0.0.1'], 50, { exec: missing }), /fping not found/);
  const eperm: ExecFn = async () => ({ stdout: '', stderr: 'fping: socket: Operation not permitted', code: 4 });
  await t.rejects(sweep(['10.0.0.1'], 50, { exec: eperm }), /CAP_NET_RAW/);
});

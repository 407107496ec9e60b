import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFpingC, pingFields } from '../../../probes/ping/parse.js';
import { pingHosts, type ExecFn } from '../../../probes/ping/index.js';
import { FIXTURES } from '../../helpers/fixtures.js';
import { silentLogger } from '../../../probes/types.js';

const fixture = (n: string) => readFileSync(join(FIXTURES, 'ping', n), 'utf8');

t.test('parseFpingC() reads every host line of real fping -C output', async (t) => {
  const m = parseFpingC(fixture('linux-fping-c5.txt'));
  t.equal(m.size, 3);
  t.equal(m.get('127.0.0.1')!.length, 5);
});

t.test('lost echoes are nulls and give loss and no RTT', async (t) => {
  const m = parseFpingC(fixture('linux-fping-loss.txt'));
  const down = pingFields(m.get('10.199.77.3')!);
  t.same(down, { sent: 5, received: 0, loss_pct: 100 });
  const up = pingFields(m.get('10.199.77.2')!);
  t.equal(up.loss_pct, 0);
  t.equal(up.rtt_min_ms, 0.057);
  t.equal(up.rtt_max_ms, 0.138);
});

t.test('pingFields() computes loss, average and jitter with partial loss', async (t) => {
  t.same(pingFields([1, null, 3, 2, null]), { sent: 5, received: 3, loss_pct: 40, rtt_min_ms: 1, rtt_max_ms: 3, rtt_avg_ms: 2, jitter_ms: 1.5 });
});

t.test('pingHosts() runs one fping for all hosts and reports unanswered hosts as unreachable', async (t) => {
  const calls: string[][] = [];
  const exec: ExecFn = async (_f, args) => {
    calls.push(args);
    return { stdout: '', stderr: fixture('linux-fping-loss.txt'), code: 1 };
  };
  const res = await pingHosts(['10.199.77.2', '10.199.77.3', '10.199.77.2'], { count: 5, exec, log: silentLogger });
  t.equal(calls.length, 1);
  t.equal(calls[0]!.filter((a) => a.startsWith('10.')).length, 2, 'duplicate hosts are pinged once');
  t.equal(res.get('10.199.77.2')!.ok, true);
  t.equal(res.get('10.199.77.3')!.ok, false);
  t.equal(res.get('10.199.77.3')!.error, 'unreachable');
});

t.test('pingHosts() falls back to the ping package when fping is missing, and says so', async (t) => {
  const warnings: string[] = [];
  const exec: ExecFn = async () => ({ stdout: '', stderr: '', code: null, missing: true });
  const res = await pingHosts(['127.0.0.1'], {
    count: 3,
    exec,
    log: { ...silentLogger, warn: (m: unknown) => void warnings.push(String(m)) },
    fallback: async () => [0.1, 0.2, null],
  });
  t.equal(res.get('127.0.0.1')!.ok, true);
  t.equal(res.get('127.0.0.1')!.points[0]!.fields.loss_pct, 33.333);
  t.match(warnings.join(), /fping not found/);
});

t.test('an fping that cannot open its raw socket is an error naming CAP_NET_RAW, not a down device', async (t) => {
  const exec: ExecFn = async () => ({ stdout: '', stderr: 'fping: can\'t create socket (must run as root?): Operation not permitted', code: 4 });
  const res = await pingHosts(['127.0.0.1'], { count: 1, exec, log: silentLogger });
  t.equal(res.get('127.0.0.1')!.error, 'internal');
  t.match(res.get('127.0.0.1')!.message, /CAP_NET_RAW/);
});

import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSnmpsim, expectedClasses, CLI } from '../helpers/snmpsim.js';
import { recordingNames } from '../helpers/fixtures.js';

const run = promisify(execFile);
const port = ensureSnmpsim();

async function probe(args: string[]): Promise<{ code: number; json: any; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['--openssl-legacy-provider', CLI, 'probe', 'snmp', ...args, '--json'], { timeout: 60_000 });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, json: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}

t.test('`outpost probe snmp --json` classifies and identifies every development recording over real UDP', async (t) => {
  const classes = expectedClasses();
  const names = recordingNames();
  t.equal(names.length, 47);
  const queue = [...names];
  const results = new Map<string, Awaited<ReturnType<typeof probe>>>();
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      for (let n = queue.shift(); n; n = queue.shift()) results.set(n, await probe([`127.0.0.1:${port}`, '--community', n]));
    }),
  );
  for (const n of names) {
    const r = results.get(n)!;
    t.equal(r.code, 0, `${n}: exit 0`);
    t.equal(r.json.target, `127.0.0.1:${port}`);
    t.equal(r.json.device.class, classes.get(n), `${n}: class`);
    t.ok(r.json.device.vendor, `${n}: vendor ${r.json.device.vendor}`);
    t.ok(r.json.device.sysObjectID, `${n}: sysObjectID`);
    t.same(r.json.errors, [], `${n}: no partial errors`);
    for (const p of r.json.points) t.ok(p.measurement && p.fields && Object.keys(p.fields).length > 0, `${n}: ${p.measurement} point has fields`);
  }
});

const v3 = [
  { user: 'outpost-sha-aes', auth: 'sha', priv: 'aes' },
  { user: 'outpost-sha256-aes256', auth: 'sha256', priv: 'aes256b' },
  { user: 'outpost-md5-des', auth: 'md5', priv: 'des' },
  { user: 'outpost-auth-only', auth: 'sha512' },
];
for (const c of v3) {
  t.test(`SNMPv3 ${c.priv ? 'authPriv' : 'authNoPriv'} ${c.auth}/${c.priv ?? 'none'} reaches the recording selected by context`, async (t) => {
    const args = [`127.0.0.1:${port}`, '--v3-user', c.user, '--auth-protocol', c.auth, '--auth-key', 'outpost-auth-key', '--context', 'apc_smx750i'];
    if (c.priv) args.push('--priv-protocol', c.priv, '--priv-key', 'outpost-priv-key');
    const r = await probe(args);
    t.equal(r.code, 0);
    t.equal(r.json.device.class, 'ups');
    t.equal(r.json.device.vendor, 'APC');
    t.ok(r.json.points.find((p: { measurement: string }) => p.measurement === 'ups'));
  });
}

t.test('SNMPv3 with a wrong key is reported as an auth failure, not a crash, and never echoes the key', async (t) => {
  const r = await probe([`127.0.0.1:${port}`, '--v3-user', 'outpost-sha-aes', '--auth-protocol', 'sha', '--auth-key', 'wrong-key-zzz', '--priv-protocol', 'aes', '--priv-key', 'outpost-priv-key', '--context', 'apc_smx750i', '--timeout', '1', '--retries', '0']);
  t.equal(r.code, 2);
  t.equal(r.json.ok, false);
  t.match(r.json.error, /^(auth|timeout)$/);
  t.notMatch(JSON.stringify(r.json) + r.stderr, /wrong-key-zzz/);
});

t.test('a device that does not answer is down with a reason, and exits 2', async (t) => {
  const r = await probe(['127.0.0.1:11999', '--community', 'public', '--timeout', '1', '--retries', '0']);
  t.equal(r.code, 2);
  t.equal(r.json.ok, false);
  t.equal(r.json.error, 'timeout');
  t.same(r.json.points, []);
});

t.test('an unknown community on a live agent is down (timeout), the others unaffected', async (t) => {
  const [bad, good] = await Promise.all([
    probe([`127.0.0.1:${port}`, '--community', 'no-such-recording', '--timeout', '1', '--retries', '0']),
    probe([`127.0.0.1:${port}`, '--community', 'fortigate_60f']),
  ]);
  t.equal(bad.code, 2);
  t.equal(good.code, 0);
  t.equal(good.json.device.class, 'firewall');
});

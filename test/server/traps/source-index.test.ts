import t from 'tap';
import { execFileSync } from 'node:child_process';
import { TrapSourceIndex, normaliseAddress } from '../../../server/traps/source-index.js';
import type { ResolvedDevice } from '../../../server/config/resolve.js';
import { build } from '../../helpers/app.js';
import { waitFor } from '../../helpers/wait.js';

const dev = (name: string, host: string) => ({ name, host }) as ResolvedDevice;

t.test('IP literals match directly, IPv4-mapped and upper-case IPv6 senders included', async (t) => {
  const idx = new TrapSourceIndex(async () => []);
  await idx.set([dev('fw1', '192.0.2.1'), dev('sw1', '2001:DB8::5')]);
  t.equal(idx.get('192.0.2.1')?.name, 'fw1');
  t.equal(idx.get('::ffff:192.0.2.1')?.name, 'fw1');
  t.equal(idx.get('2001:db8::5')?.name, 'sw1');
  t.equal(idx.get('192.0.2.9'), undefined);
  t.equal(normaliseAddress('::FFFF:10.0.0.1'.toLowerCase()), '10.0.0.1');
});

t.test('a device configured by DNS name matches every resolved address; a failing name is skipped', async (t) => {
  const answers: Record<string, string[]> = { 'fw1.client.local': ['192.0.2.10', '2001:db8::10'] };
  const warnings: object[] = [];
  const log = { debug() {}, info() {}, warn: (o: object | string) => void warnings.push(o as object), error() {} };
  const idx = new TrapSourceIndex(
    async (h) => {
      const a = answers[h];
      if (!a) throw new Error(`queryA ENOTFOUND ${h}`);
      return a;
    },
    log,
  );
  await idx.set([dev('fw1', 'fw1.client.local'), dev('gone', 'gone.client.local')]);
  t.equal(idx.get('192.0.2.10')?.name, 'fw1');
  t.equal(idx.get('2001:db8::10')?.name, 'fw1');
  t.equal(warnings.length, 1, 'the unresolvable name is logged once');
  t.match(JSON.stringify(warnings[0]), /gone\.client\.local/);
});

t.test('an unknown sender re-resolves names at most once a minute (DHCP moved the device)', async (t) => {
  let now = 1_000_000;
  let lookups = 0;
  let addr = '192.0.2.20';
  const idx = new TrapSourceIndex(
    async () => {
      lookups++;
      return [addr];
    },
    undefined,
    () => now,
  );
  await idx.set([dev('ups1', 'ups1.lan')]);
  t.equal(lookups, 1);
  addr = '192.0.2.21';
  t.equal(idx.get('192.0.2.21'), undefined, 'not known yet');
  t.equal(lookups, 1, 'within a minute of the last lookup: no new query');
  now += 61_000;
  t.equal(idx.get('192.0.2.21'), undefined, 'this trap is still unknown; it triggers the lookup');
  await idx.refresh(false);
  t.equal(lookups, 2);
  t.equal(idx.get('192.0.2.21')?.name, 'ups1', 'the next trap matches');
  t.equal(idx.get('192.0.2.20'), undefined, 'the old address no longer does');
});

t.test('a reload during a lookup does not let the old inventory overwrite the new one', async (t) => {
  let release: () => void = () => {};
  const slow = new Promise<void>((r) => (release = r));
  let first = true;
  const idx = new TrapSourceIndex(async (h) => {
    if (first) {
      first = false;
      await slow;
      return ['192.0.2.30'];
    }
    return h === 'new.lan' ? ['192.0.2.31'] : [];
  });
  const pending = idx.set([dev('old', 'old.lan')]);
  const next = idx.set([dev('new', 'new.lan')]);
  release();
  await pending;
  await next;
  await idx.refresh(true);
  t.equal(idx.get('192.0.2.30'), undefined);
  t.equal(idx.get('192.0.2.31')?.name, 'new');
});

t.test('the runtime matches a trap from a device configured as "localhost" (a DNS name, not an IP)', async (t) => {
  const port = 19420;
  const app = await build(
    t,
    {
      site: { id: 'trap-dns' },
      credentials: { lan: { version: '2c', community: 'trap-dns-secret' } },
      defaults: { interval: '60s', timeout: '1s' },
      devices: [{ name: 'ups1', host: 'localhost', port: 19421, snmp: 'lan', ping: false }],
      traps: { port, address: '127.0.0.1' },
    },
    { poll: true },
  );
  app.outpost.start();
  t.teardown(() => app.outpost.scheduler.stop());
  await waitFor('the trap receiver', async () => (app.outpost.traps?.stats().listening ? true : undefined), 10_000);
  execFileSync('snmptrap', ['-v', '2c', '-c', 'trap-dns-secret', `127.0.0.1:${port}`, '', '1.3.6.1.2.1.33.2.1'], { stdio: 'ignore' });
  await waitFor('the trap to be accepted', async () => (app.outpost.traps!.stats().accepted === 1 ? true : undefined), 10_000);
  t.equal(app.outpost.traps!.recent()[0]?.device, 'ups1');
  t.equal(app.outpost.traps!.stats().dropped['unknown-source'], 0);
});

import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Point } from '../../../probes/types.js';
import { build, tempDir } from '../../helpers/app.js';
import { ensureSnmpsim } from '../../helpers/snmpsim.js';

// Nothing listens on this loopback port: every SNMP request to it times out.
const DEAD_PORT = 19672;

const site = (simPort: number, withDead: boolean) => ({
  site: { id: 'health-site' },
  credentials: { ups: { version: '2c', community: 'apc_smx750i' } },
  defaults: { interval: '3s', timeout: '500ms', retries: 0 },
  devices: [
    { name: 'ups1', host: '127.0.0.1', port: simPort, snmp: 'ups', ping: false },
    ...(withDead ? [{ name: 'gone', host: '127.0.0.1', port: DEAD_PORT, snmp: 'ups', ping: false }] : []),
  ],
});

/** Ask /api/health until `want` holds: the reply is cached for up to 1 s, and polls land on their own schedule. */
async function healthUntil(app: FastifyInstance, want: (b: Record<string, unknown>) => boolean, ms = 12_000): Promise<Record<string, unknown>> {
  const end = Date.now() + ms;
  for (;;) {
    const body = (await app.inject('/api/health')).json() as Record<string, unknown>;
    if (want(body) || Date.now() > end) return body;
    await new Promise((r) => setTimeout(r, 200));
  }
}

t.test('/api/health and the self-health point report devices in the unreachable lane, and drop them when removed', async (t) => {
  const simPort = ensureSnmpsim();
  const dir = tempDir(t);
  const configPath = join(dir, 'outpost.yaml');
  // JSON is YAML: the loader reads it as the file a reload would.
  writeFileSync(configPath, JSON.stringify(site(simPort, true)));
  const app = await build(t, site(simPort, true), { poll: true, configPath });

  const first = (await app.inject('/api/health')).json();
  t.equal(first.devices_unreachable, 0, 'nobody is unreachable before a first poll');
  // server.ts starts polling after listen; the app alone only wires it.
  app.outpost.start();

  const down = await healthUntil(app, (b) => b.devices_unreachable === 1 && (b.devices as { up: number }).up === 1);
  t.equal(down.devices_unreachable, 1, 'the dead device is counted after its first timeout');
  t.equal((down.devices as { up: number }).up, 1, 'the snmpsim device answered and is not counted');
  // The point written every minute as the `outpost` measurement (private: its timer is too slow for a test).
  const self = (app.outpost['selfHealthPoints']() as Point[]).find((p) => p.measurement === 'outpost' && !p.tags.sink);
  t.equal(self?.fields.devices_unreachable, 1, 'the self-health point carries the same count');

  writeFileSync(configPath, JSON.stringify(site(simPort, false)));
  t.ok(app.outpost.reload(), 'reloaded without the dead device');
  const back = await healthUntil(app, (b) => b.devices_unreachable === 0, 3000);
  t.equal(back.devices_unreachable, 0, 'back to 0 once it is removed');
  t.equal((back.devices as { total: number }).total, 1, 'the removed device is gone from the counts too');
});

import t from 'tap';
import { createHmac } from 'node:crypto';
import { startReceiver } from '../../../helpers/receivers.js';
import { event, service, upsAlert } from './fixtures.js';

// Ports 19335-19336 (this file only).
t.test('heartbeat POST: signed self-health with outbox depths, disk free and version', async (t) => {
  const central = await startReceiver(19335);
  const down = await startReceiver(19336);
  t.teardown(async () => {
    await central.close();
    await down.close();
  });
  await down.down();
  const { svc, clock } = service({
    notify: [{ type: 'webhook', url: down.url, name: 'psa' }],
    heartbeat: { url: `${central.url}/beat`, every: '30s', secret: 'hb-secret' },
    healthSnapshot: () => ({ poll_lag_s: 2.5, devices_stale: 1, devices_down: 0, sinks: [{ name: 'influx-0', outbox_points: 12 }], clock_offset_ms: 40 }),
    dataDir: process.cwd(),
  });
  svc.onAlertEvents([event('firing', upsAlert(), clock.t)]);
  await svc.runDue();
  const r = await svc.beat();
  t.same(r, { ok: true });
  const req = central.received[0]!;
  t.equal(req.path, '/beat');
  const ts = String(req.headers['x-outpost-timestamp']);
  t.equal(req.headers['x-outpost-signature'], `sha256=${createHmac('sha256', 'hb-secret').update(`${ts}.${req.raw}`).digest('hex')}`);
  const body = req.body as any;
  t.match(body, { site: 'acme-dental', version: '0.1.0-test', poll_lag_s: 2.5, devices_stale: 1, clock_offset_ms: 40, sinks: [{ outbox_points: 12 }] });
  t.match(body.receivers, [{ name: 'psa', type: 'webhook', pending: 1, failed_attempts: 1, last_error: 'ECONNREFUSED' }]);
  t.ok(body.disk_free_bytes > 0, 'disk free of the data dir');
  await svc.stop();
});

t.test('heartbeat GET: a bare healthchecks-style ping; failures are counted, not thrown', async (t) => {
  const hc = await startReceiver(19335);
  t.teardown(() => hc.close());
  const { svc } = service({ notify: [], heartbeat: { url: `${hc.url}/ping/abc`, every: 60, method: 'GET' } });
  t.same(await svc.beat(), { ok: true });
  t.match(hc.received[0], { method: 'GET', path: '/ping/abc', raw: '' });
  await hc.down();
  t.match(await svc.beat(), { ok: false, error: 'ECONNREFUSED' });
  t.match(svc.heartbeatStatus(), { sent: 1, failed: 1, lastOk: false });
  await svc.stop();
});

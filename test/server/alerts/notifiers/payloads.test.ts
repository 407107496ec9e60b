import t from 'tap';
import { createHmac } from 'node:crypto';
import { startReceiver, type TestReceiver } from '../../../helpers/receivers.js';
import { event, service, upsAlert } from './fixtures.js';
import { notifyConfigErrors } from '../../../../server/alerts/delivery.js';

// Ports 19320-19329 (this file only). Receivers are per subtest: a server left open would keep tap's root
// test (which ends when the event loop drains) alive.
let hook: TestReceiver, slack: TestReceiver, teams: TestReceiver, pd: TestReceiver;
t.beforeEach(async (t) => {
  hook = await startReceiver(19320);
  slack = await startReceiver(19321);
  teams = await startReceiver(19322);
  pd = await startReceiver(19323, { status: 202, reply: '{"status":"success","message":"Event processed","dedup_key":"x"}' });
  t.teardown(async () => {
    for (const r of [hook, slack, teams, pd]) await r.close();
  });
});

const SECRET = 'hook-secret-Zq9';

t.test('webhook: JSON body signed with HMAC-SHA256 over timestamp.body, with an idempotency key', async (t) => {
  const { svc } = service({ notify: [{ type: 'webhook', url: `${hook.url}/hook`, secret: SECRET }] });
  const alert = upsAlert();
  svc.onAlertEvents([event('firing', alert, alert.startsAt + 30_000)]);
  await svc.runDue();
  t.equal(hook.received.length, 1);
  const req = hook.received[0]!;
  const ts = String(req.headers['x-outpost-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${req.raw}`).digest('hex')}`;
  t.equal(req.headers['x-outpost-signature'], expected, 'signature verifies with the shared secret');
  t.not(req.headers['x-outpost-signature'], `sha256=${createHmac('sha256', 'wrong').update(`${ts}.${req.raw}`).digest('hex')}`);
  t.equal(req.headers['idempotency-key'], `${alert.id}:firing:${alert.startsAt}:webhook-0`);
  const body = req.body as Record<string, any>;
  t.equal(body.version, 1);
  t.equal(body.status, 'firing');
  t.equal(body.site, 'acme-dental');
  t.equal(body.alert.summary, alert.summary);
  t.equal(body.labels.alertname, 'UpsOnBattery');
  t.equal(Number(ts), Math.floor(Date.parse('2026-03-07T10:03:00Z') / 1000), 'timestamp is the delivery clock, in seconds');
  await svc.stop();
});

t.test('resolve goes only to receivers that were sent the firing, and only when the alert was notified', async (t) => {
  const { svc, clock } = service({
    notify: [
      { type: 'webhook', url: hook.url, name: 'crit-only', severities: ['critical'] },
      { type: 'slack', url: `${slack.url}/services/T0/B0/xyz`, classes: ['switch'] },
    ],
  });
  const a = upsAlert();
  svc.onAlertEvents([event('firing', a, clock.t)]);
  // Never notified (suppressed the whole time): no resolve, no firing either.
  const quiet = upsAlert({ id: 'quiet1', device: 'ups2', notified: false });
  svc.onAlertEvents([event('resolved', quiet, clock.t)]);
  clock.t += 60_000;
  svc.onAlertEvents([event('resolved', { ...a, endsAt: clock.t }, clock.t)]);
  await svc.runDue();
  t.same(hook.received.map((r) => (r.body as any).status), ['firing', 'resolved']);
  t.equal(slack.received.length, 0, 'slack routes only switch alerts: neither firing nor resolve');
  const stats = svc.stats();
  t.match(stats, [{ receiver: 'crit-only', type: 'webhook', pending: 0, delivered: 2 }, { receiver: 'slack-1', pending: 0, delivered: 0 }]);
  await svc.stop();
});

t.test('the same event enqueued twice is delivered once; an escalation is a new page', async (t) => {
  const { svc, clock } = service({ notify: [{ type: 'webhook', url: hook.url }] });
  const a = upsAlert({ severity: 'warning', labels: { ...upsAlert().labels, severity: 'warning' } });
  const ev = event('firing', a, clock.t);
  svc.onAlertEvents([ev]);
  svc.onAlertEvents([ev]);
  await svc.runDue();
  t.equal(hook.received.length, 1);
  clock.t += 120_000;
  const esc = { ...a, severity: 'critical' as const, labels: { ...a.labels, severity: 'critical' } };
  svc.onAlertEvents([event('firing', esc, clock.t)]);
  await svc.runDue();
  t.equal(hook.received.length, 2);
  const keys = hook.received.map((r) => r.headers['idempotency-key']);
  t.not(keys[0], keys[1]);
  t.match((hook.received[1]!.body as any).alert, { severity: 'critical' });
  await svc.stop();
});

t.test('slack: incoming-webhook payload with text and coloured attachment', async (t) => {
  const { svc, clock } = service({ notify: [{ type: 'slack', url: `${slack.url}/services/T0/B0/xyz` }] });
  svc.onAlertEvents([event('firing', upsAlert({ instance: 'battery' }), clock.t)]);
  await svc.runDue();
  const body = slack.received[0]?.body as any;
  t.equal(slack.received[0]?.path, '/services/T0/B0/xyz');
  t.match(body.text, /^\[FIRING\] UpsOnBattery ups1 battery \(acme-dental\): ups1 on battery/);
  t.equal(body.attachments[0].color, '#d0021b');
  t.equal(body.attachments[0].blocks[0].type, 'section');
  t.equal(body.attachments[0].blocks[0].text.type, 'mrkdwn');
  t.ok(body.attachments[0].blocks[1].fields.some((f: any) => f.text === '*Instance*\nbattery'));
  await svc.stop();
});

t.test('teams: Adaptive Card in a message envelope', async (t) => {
  const { svc, clock } = service({ notify: [{ type: 'teams', url: `${teams.url}/webhookb2/abc` }] });
  svc.onAlertEvents([event('firing', upsAlert(), clock.t)]);
  await svc.runDue();
  const body = teams.received[0]?.body as any;
  t.equal(body.type, 'message');
  t.equal(body.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  const card = body.attachments[0].content;
  t.equal(card.type, 'AdaptiveCard');
  t.equal(card.version, '1.4');
  t.equal(card.body[1].text, 'ups1 on battery, 62 % charge, 14 min runtime');
  t.ok(card.body[2].facts.some((f: any) => f.title === 'Device' && f.value === 'ups1 (ups)'));
  await svc.stop();
});

t.test('pagerduty: Events API v2 trigger then resolve with dedup_key = alert id', async (t) => {
  const { svc, clock } = service({ notify: [{ type: 'pagerduty', routing_key: 'R0UT1NGKEY0123456789012345678901', url: `${pd.url}/v2/enqueue` }] });
  const a = upsAlert();
  svc.onAlertEvents([event('firing', a, clock.t)]);
  clock.t += 60_000;
  svc.onAlertEvents([event('resolved', { ...a, endsAt: clock.t }, clock.t)]);
  await svc.runDue();
  const [trig, res] = pd.received.map((r) => r.body as any);
  t.match(trig, {
    routing_key: 'R0UT1NGKEY0123456789012345678901',
    event_action: 'trigger',
    dedup_key: a.id,
    payload: { summary: `${a.summary} (acme-dental)`, source: 'ups1', severity: 'critical', group: 'acme-dental', class: 'UpsOnBattery' },
  });
  t.ok(!Number.isNaN(Date.parse(trig.payload.timestamp)));
  t.same(res, { routing_key: 'R0UT1NGKEY0123456789012345678901', event_action: 'resolve', dedup_key: a.id });
  await svc.stop();
});

t.test('a failing receiver: error recorded and logged without the secret URL, others unaffected', async (t) => {
  slack.status = 500;
  const secretUrl = `${slack.url}/services/T0/B0/s3cr3tT0ken`;
  const { svc, log } = service({ notify: [{ type: 'slack', url: secretUrl }, { type: 'webhook', url: hook.url }] });
  svc.onAlertEvents([event('firing', upsAlert(), Date.now())]);
  await svc.runDue();
  t.equal(hook.received.length, 1, 'webhook delivered despite slack failing');
  const [s] = svc.stats();
  t.match(s, { receiver: 'slack-0', pending: 1, failedAttempts: 1, lastError: /^HTTP 500/ });
  t.notOk(log.lines.some((l) => l.includes('s3cr3tT0ken')), 'the webhook URL token is never logged');
  t.notOk(JSON.stringify(svc.deliveries()).includes('s3cr3tT0ken'));
  await svc.stop();
});

t.test('config errors name the path; unknown types and duplicate names are rejected', async (t) => {
  t.same(notifyConfigErrors([{ type: 'fax', url: 'x' }]), ['alerts.notify[0].type: must be one of alertmanager, webhook, email, slack, teams, pagerduty']);
  t.match(notifyConfigErrors([{ type: 'webhook', url: 'ftp://x' }]), [/^alerts\.notify\[0\]\.url: /]);
  t.match(notifyConfigErrors([{ type: 'webhook', url: 'http://a' }, { type: 'webhook', url: 'http://b', name: 'webhook-0' }]), ['alerts.notify[1].name: duplicate receiver name "webhook-0"']);
  t.match(notifyConfigErrors([{ type: 'pagerduty' }]), [/routing_key/]);
  t.match(notifyConfigErrors([], { url: 'http://hc', every: 'soon' }), [/^alerts\.heartbeat\.every/]);
  t.same(notifyConfigErrors([{ type: 'email', host: 'smtp', from: 'a@b.c', to: ['x@y.z'] }]), []);
  t.throws(() => service({ notify: [{ type: 'webhook', url: 'nope' } as any] }), /alerts\.notify\[0\]\.url/);
});

t.test('sendTest delivers at once and reports the outcome; unknown receiver is a clear error', async (t) => {
  const { svc } = service({ notify: [{ type: 'webhook', url: hook.url, name: 'psa' }] });
  const d = await svc.sendTest('psa');
  t.match(d, { receiver: 'psa', kind: 'test', state: 'delivered', attempts: 1 });
  t.equal((hook.received[0]?.body as any).status, 'test');
  await t.rejects(svc.sendTest('nope'), /no receiver named "nope" \(have: psa\)/);
  await svc.stop();
});

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateConfig } from '../../server/config/load.js';
import { buildSecure, loginAs, operations } from '../server/security/helper.js';

/**
 * Issue 8: secrets never appear in an API response, a log line or an error message. The app runs with every
 * kind of secret the config takes, polls devices and writes to InfluxDB sinks that are not there (so error
 * paths log), then every GET route is read as admin and every response and log line is grepped for each one.
 * Ports 19620-19629 on 127.0.0.1: nothing listens there, which is the point.
 */
const SECRETS = {
  community: 'SECRET-community-7f3a9',
  envCommunity: 'SECRET-envcommunity-0c41',
  v3auth: 'SECRET-v3auth-91bc2',
  v3priv: 'SECRET-v3priv-44de7',
  influxPassword: 'SECRET-influxpw-2b8e1',
  influxToken: 'SECRET-influxtoken-5c1d3',
  webhook: 'SECRET-webhook-88aa0',
  smtp: 'SECRET-smtppw-13f5c',
  amPassword: 'SECRET-ampw-6d2b4',
  pagerduty: 'SECRET-pdkey-9e7f1',
  slackUrl: 'http://127.0.0.1:19626/services/SECRET-slackpath-3a3a',
};
const env = { SNMP_COMMUNITY: SECRETS.envCommunity };

const base = {
  site: { id: 'redaction-site' },
  storage: {
    influxdb: [
      { url: 'http://127.0.0.1:19620', version: 1, database: 'outpost', username: 'writer', password: SECRETS.influxPassword, flush_interval: '1s' },
      { url: 'http://127.0.0.1:19621', version: 2, org: 'msp', bucket: 'sites', token: SECRETS.influxToken, flush_interval: '1s' },
    ],
  },
  credentials: {
    lan: { version: '2c', community: SECRETS.community },
    fromenv: { version: '2c', community: '${SNMP_COMMUNITY}' },
    fw: { version: '3', user: 'outpost', auth: { protocol: 'sha256', key: SECRETS.v3auth }, priv: { protocol: 'aes', key: SECRETS.v3priv } },
  },
  defaults: { interval: '2s', timeout: '300ms', retries: 0, ping: { count: 1, interval: '2s' } },
  devices: [
    { name: 'sw1', host: '127.0.0.1', port: 19622, snmp: 'lan', ping: false },
    { name: 'sw2', host: '127.0.0.1', port: 19623, snmp: 'fromenv', ping: false },
    { name: 'fw1', host: '127.0.0.1', port: 19624, snmp: 'fw', ping: false },
  ],
};
const notify = [
  { type: 'webhook', url: 'http://127.0.0.1:19625/hook', secret: SECRETS.webhook },
  { type: 'email', host: '127.0.0.1', port: 19627, tls: 'none', username: 'outpost', password: SECRETS.smtp, from: 'outpost@example.test', to: ['noc@example.test'] },
  { type: 'alertmanager', url: 'http://127.0.0.1:19628', username: 'am', password: SECRETS.amPassword },
  { type: 'pagerduty', routing_key: SECRETS.pagerduty, url: 'http://127.0.0.1:19629' },
  { type: 'slack', url: SECRETS.slackUrl },
];

/** Notifier secrets are covered as soon as the config schema takes them (each notifier is tried on its own). */
function siteConfig(): { raw: object; covered: string[] } {
  const accepted = notify.filter((n) => validateConfig(structuredClone({ ...base, alerts: { notify: [n] } }), env).ok);
  const raw = accepted.length ? { ...base, alerts: { notify: accepted } } : base;
  const res = validateConfig(structuredClone(raw), env);
  if (!res.ok) throw new Error(`redaction config invalid: ${JSON.stringify(res.issues)}`);
  const covered = Object.values(SECRETS).filter((s) => JSON.stringify(raw).includes(s) || Object.values(env).includes(s));
  return { raw, covered };
}

t.test('no configured secret appears in any API response or log line', async (t) => {
  const { raw, covered } = siteConfig();
  t.ok(covered.length >= 6, `secrets configured: ${covered.length} of ${Object.keys(SECRETS).length}`);
  const { app, logs } = await buildSecure(t, raw, { env, app: { poll: true } });
  app.outpost.start();
  const admin = await loginAs(app, 'admin');
  const token = app.outpost.users.createToken('redaction', 'admin');

  // Let the scheduler fail a few polls and the sinks fail a few writes: error paths must log.
  await sleep(5000);
  const bodies: Array<[string, string]> = [];
  const ops = await operations(app, admin, 'sw1');
  for (const o of ops.filter((x) => x.method === 'GET' && x.path !== '/api/events')) {
    for (const headers of [{ cookie: admin }, { authorization: `Bearer ${token}` }]) {
      const res = await app.inject({ url: o.url, headers });
      bodies.push([`GET ${o.path}`, `${JSON.stringify(res.headers)}\n${res.body}`]);
    }
  }
  // Error answers too: unknown device, bad query, bad body, wrong login.
  for (const [url, method, payload] of [
    ['/api/devices/nope', 'GET', undefined],
    ['/api/devices/sw1/series?measurement=interface&field=in_bps&from=9&to=1', 'GET', undefined],
    ['/api/auth/login', 'POST', { username: 'admin1', password: 'wrong password here' }],
    ['/api/tokens', 'POST', { name: 'x', role: 'root' }],
  ] as const) {
    const res = await app.inject({ url, method, payload, headers: { cookie: admin } });
    bodies.push([`${method} ${url}`, res.body]);
  }
  // The SSE stream over a real socket for a moment (it carries probe results and health).
  await app.listen({ port: 19629, host: '127.0.0.1' }).catch(() => app.listen({ port: 0, host: '127.0.0.1' }));
  const addr = app.server.address() as { port: number };
  const sse = await fetch(`http://127.0.0.1:${addr.port}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3000) })
    .then(async (r) => {
      let text = '';
      const reader = r.body!.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += Buffer.from(value).toString('utf8');
        }
      } catch {
        /* the timeout ends the stream */
      }
      return text;
    })
    .catch(() => '');
  bodies.push(['GET /api/events', sse]);

  t.ok(bodies.length >= 12, `${bodies.length} responses read`);
  t.ok(logs.lines.length > 20, `${logs.lines.length} log lines written`);
  t.ok(logs.lines.some((l) => /sw1|fw1/.test(l) && /"level":(40|50)/.test(l)) || logs.lines.some((l) => /19620|19621/.test(l)), 'the failure paths did log');
  for (const secret of covered) {
    const leaks = bodies.filter(([, b]) => b.includes(secret)).map(([what]) => what);
    t.same(leaks, [], `${secret.replace(/SECRET-|-[0-9a-f]+$/g, '')}: in no response`);
    const logLeaks = logs.lines.filter((l) => l.includes(secret));
    t.same(logLeaks, [], `${secret.replace(/SECRET-|-[0-9a-f]+$/g, '')}: in no log line`);
  }
});

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, login } from '../../helpers/app.js';
import { auditLog } from '../../../server/auth/audit.js';
import { DEFAULT_RULES } from '../../../server/alerts/default-rules.js';
import { levelOrderProblems } from '../../../server/alerts/rules.js';

const site = {
  site: { id: 'rules-api' },
  credentials: { lan: { version: '2c', community: 'public' } },
  devices: [
    { name: 'ups1', host: '127.0.0.1', port: 11161, snmp: 'lan' },
    { name: 'box', host: '127.0.0.1' },
  ],
  alerts: {
    rules: [{ rule: 'PingLatency', class: 'server', warn: { value: 50 } }],
    maintenance: [{ class: 'switch', days: ['sun'], start: '02:00', duration: '1h', reason: 'firmware' }],
  },
};

/** The app with an admin, a tech and a viewer logged in, and ups1 classified as a UPS (as its first poll would). */
async function setup(t: Parameters<typeof build>[0]) {
  const app = await build(t, site);
  const cookies = { admin: await login(app, 'admin'), tech: await login(app, 'tech'), viewer: await login(app, 'viewer') };
  app.outpost.store.setDeviceState('ups1', { class: 'ups' });
  app.outpost.store.flush();
  return { app, cookies };
}

const req = (app: FastifyInstance, cookie: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

const upsCharge = async (app: FastifyInstance, cookie: string) =>
  (await req(app, cookie, 'GET', '/api/devices/ups1/rules')).json().find((r: { name: string }) => r.name === 'UpsChargeLow');

t.test('only an admin may change thresholds; the change shows in the device rules at once', async (t) => {
  const { app, cookies } = await setup(t);
  const body = { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 101 }, for: '1s' };
  for (const role of ['viewer', 'tech'] as const) {
    const res = await req(app, cookies[role], 'PUT', '/api/rules/overrides', body);
    t.equal(res.statusCode, 403, `${role} may not`);
    t.match(res.json().message, /needs role admin/);
  }
  t.match((await upsCharge(app, cookies.viewer)).warn, { value: 50, origin: 'default' });

  const ok = await req(app, cookies.admin, 'PUT', '/api/rules/overrides', body);
  t.equal(ok.statusCode, 200, ok.body);
  t.match(ok.json(), { ...body, source: 'dashboard', setBy: 'admin1', setAt: Number });
  t.match(await upsCharge(app, cookies.viewer), { warn: { value: 101, clear: 111, origin: 'device', source: 'dashboard' }, forMs: 1000, forSource: 'dashboard' });

  const list = (await req(app, cookies.viewer, 'GET', '/api/rules/overrides')).json();
  t.match(list, [
    { rule: 'PingLatency', class: 'server', source: 'config' },
    { rule: 'UpsChargeLow', device: 'ups1', source: 'dashboard', setBy: 'admin1' },
  ]);
  t.notOk('setBy' in list[0], 'a config override has no setter');

  t.equal((await req(app, cookies.tech, 'DELETE', '/api/rules/overrides?rule=UpsChargeLow&device=ups1')).statusCode, 403, 'a tech may not reset either');
  t.equal((await req(app, cookies.admin, 'DELETE', '/api/rules/overrides?rule=UpsChargeLow&device=ups1')).statusCode, 204);
  t.match((await upsCharge(app, cookies.viewer)).warn, { value: 50, origin: 'default' });
  const missing = await req(app, cookies.admin, 'DELETE', '/api/rules/overrides?rule=UpsChargeLow&device=ups1');
  t.equal(missing.statusCode, 404);
  t.match(missing.json().message, /no dashboard override of UpsChargeLow for device ups1/);
  t.equal((await req(app, cookies.admin, 'DELETE', '/api/rules/overrides?rule=PingLatency&class=server')).statusCode, 404, 'a config override cannot be deleted from the dashboard');

  const log = auditLog(app.outpost.store.db).filter((e) => e.action.startsWith('rule.'));
  t.match(log, [
    { user: 'admin1', action: 'rule.reset', target: 'UpsChargeLow @ device ups1' },
    { user: 'admin1', action: 'rule.override', target: 'UpsChargeLow @ device ups1', detail: /"value":101/ },
  ]);
});

t.test('bad overrides are 400 with the reason, and nothing is stored', async (t) => {
  const { app, cookies } = await setup(t);
  const cases: Array<[string, object, RegExp]> = [
    ['unknown rule', { rule: 'NoSuchRule', warn: { value: 1 } }, /rule: unknown rule NoSuchRule/],
    ['badly named rule', { rule: 'not a rule', warn: { value: 1 } }, /rule/],
    ['threshold on a stale rule', { rule: 'DeviceStale', warn: { value: 5 } }, /warn: DeviceStale has no thresholds/],
    ['wrong type', { rule: 'UpsOnBattery', critical: { value: 'yes' } }, /critical\.value: UpsOnBattery compares boolean values/],
    ['clear on the wrong side', { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 40, clear: 30 } }, /warn\.clear: UpsChargeLow fires below 40; clear must be at or above it/],
    ['unknown device', { rule: 'UpsChargeLow', device: 'ups9', warn: { value: 40 } }, /device: no device named ups9/],
    ['unknown field', { rule: 'UpsChargeLow', warm: { value: 40 } }, /must NOT have additional properties/],
    ['bad duration', { rule: 'UpsChargeLow', for: 'soon' }, /for/],
    ['nothing to change', { rule: 'UpsChargeLow', device: 'ups1' }, /at least one of/],
  ];
  for (const [name, body, message] of cases) {
    const res = await req(app, cookies.admin, 'PUT', '/api/rules/overrides', body);
    t.equal(res.statusCode, 400, name);
    t.match(res.json().message, message, name);
  }
  t.equal((await req(app, cookies.admin, 'GET', '/api/rules/overrides')).json().length, 1, 'only the config override');
  t.equal(auditLog(app.outpost.store.db).filter((e) => e.action.startsWith('rule.')).length, 0, 'nothing audited');
});

t.test('a warning that would fire after critical is 400, naming both fields and why; the rule direction decides', async (t) => {
  const { app, cookies } = await setup(t);
  const bothFields = (field: 'warn' | 'critical', other: string) => new RegExp(`${field}: [a-z]+ must be \\w+ ${other}: `);
  const cases: Array<[string, object, RegExp]> = [
    // UpsChargeLow fires below its levels (low is bad): the warning level must be the higher one.
    ['low is bad, warning below critical', { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 20 }, critical: { value: 30 } }, /^warn: warning must be above critical: UpsChargeLow fires below its levels \(low is bad\), so a warning at 20 would only fire after critical at 30; critical: critical must be below warning: /],
    ['low is bad, equal levels', { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 25 }, critical: { value: 25 } }, /warn: warning must be above critical/],
    // PingLoss fires above its levels (high is bad): the warning level must be the lower one.
    ['high is bad, warning above critical', { rule: 'PingLoss', warn: { value: 60 }, critical: { value: 50 } }, /^warn: warning must be below critical: PingLoss fires above its levels \(high is bad\), so a warning at 60 would only fire after critical at 50; critical: critical must be above warning: /],
    ['high is bad, equal levels', { rule: 'PingLoss', class: 'ups', warn: { value: 50 }, critical: { value: 50 } }, /critical: critical must be above warning/],
    // Only one level in the body: the other is the one the rule would keep.
    ['warning below the default critical (20 %)', { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 15 } }, /warn: warning must be above critical: .*a warning at 15 would only fire after critical at 20/],
    ['critical above the default warning, site-wide', { rule: 'UpsChargeLow', critical: { value: 55 } }, /critical: critical must be below warning: .*a warning at 50 would only fire after critical at 55/],
    ['critical below the config warning (50 ms for servers)', { rule: 'PingLatency', class: 'server', critical: { value: 40 } }, /warn: warning must be below critical: PingLatency .*a warning at 50 would only fire after critical at 40/],
  ];
  for (const [name, body, message] of cases) {
    const res = await req(app, cookies.admin, 'PUT', '/api/rules/overrides', body);
    t.equal(res.statusCode, 400, name);
    t.match(res.json().message, message, name);
    t.match(res.json().message, bothFields('warn', 'critical'), `${name}: names warn`);
    t.match(res.json().message, bothFields('critical', 'warning'), `${name}: names critical`);
  }
  t.equal((await req(app, cookies.admin, 'GET', '/api/rules/overrides')).json().length, 1, 'nothing stored');

  // In order, the same rules are accepted, including a level that only makes sense with the other one moved.
  const fine: object[] = [
    { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 30 }, critical: { value: 25 } },
    { rule: 'UpsChargeLow', critical: { value: 10 } },
    { rule: 'UpsChargeLow', class: 'ups', warn: { value: 15 }, critical: { value: 10 } },
    { rule: 'PingLatency', class: 'server', critical: { value: 60 } },
    { rule: 'PingLoss', warn: false, critical: { value: 5 } },
  ];
  for (const body of fine) {
    const res = await req(app, cookies.admin, 'PUT', '/api/rules/overrides', body);
    t.equal(res.statusCode, 200, `${JSON.stringify(body)}: ${res.body}`);
  }
  // The device's own override replaces the earlier one at its scope: checked against the class's 15/10 now.
  const replaced = await req(app, cookies.admin, 'PUT', '/api/rules/overrides', { rule: 'UpsChargeLow', device: 'ups1', critical: { value: 12 } });
  t.equal(replaced.statusCode, 200, replaced.body);
  t.match(await upsCharge(app, cookies.viewer), { warn: { value: 15, origin: 'class' }, critical: { value: 12, origin: 'device' } });
});

t.test('every threshold rule of the default pack has its warning before critical', async (t) => {
  for (const rule of DEFAULT_RULES) {
    if ('warn' in rule && 'critical' in rule) t.same(levelOrderProblems(rule, rule.warn?.value, rule.critical?.value), [], rule.name);
  }
});

t.test('maintenance: a tech adds and removes a device window; config windows are listed read-only', async (t) => {
  const { app, cookies } = await setup(t);
  const before = (await req(app, cookies.viewer, 'GET', '/api/maintenance')).json();
  t.match(before, [{ source: 'config', active: Boolean, window: { class: 'switch', days: ['sun'], reason: 'firmware' } }]);
  t.notOk('id' in before[0], 'a config window has no id to delete');

  t.equal((await req(app, cookies.viewer, 'POST', '/api/maintenance', { device: 'ups1', duration: '1h' })).statusCode, 403, 'a viewer may not');
  const added = await req(app, cookies.tech, 'POST', '/api/maintenance', { device: 'ups1', duration: '4h', reason: 'battery swap' });
  t.equal(added.statusCode, 200, added.body);
  const w = added.json();
  t.match(w, { id: Number, source: 'dashboard', active: true, createdBy: 'tech1', window: { device: 'ups1', reason: 'battery swap' } });
  t.ok(Math.abs(Date.parse(w.window.end) - Date.parse(w.window.start) - 4 * 3_600_000) < 1000, 'four hours long');
  t.equal((await req(app, cookies.viewer, 'GET', '/api/maintenance')).json().length, 2);

  const later = await req(app, cookies.tech, 'POST', '/api/maintenance', { class: 'ups', start: '2099-01-01T00:00:00Z', end: '2099-01-01T02:00:00+01:00' });
  t.equal(later.statusCode, 200, later.body);
  t.equal(later.json().active, false, 'a window in the future is listed, not yet active');

  const bad: Array<[string, 'tech' | 'admin', object, number, RegExp]> = [
    ['no end', 'tech', { device: 'ups1' }, 400, /give either end or duration/],
    ['both end and duration', 'tech', { device: 'ups1', duration: '1h', end: '2099-01-01T00:00:00Z' }, 400, /give either end or duration/],
    ['unknown device', 'tech', { device: 'ups9', duration: '1h' }, 400, /no device named ups9/],
    ['device and class', 'tech', { device: 'ups1', class: 'ups', duration: '1h' }, 400, /not both/],
    ['over already', 'tech', { device: 'ups1', start: '2020-01-01T00:00:00Z', end: '2020-01-01T01:00:00Z' }, 400, /already over/],
    ['date without offset', 'tech', { device: 'ups1', start: '2099-01-01T00:00', duration: '1h' }, 400, /start/],
    ['site-wide by a tech', 'tech', { duration: '1h' }, 403, /site-wide window needs role admin/],
  ];
  for (const [name, role, body, code, message] of bad) {
    const res = await req(app, cookies[role], 'POST', '/api/maintenance', body);
    t.equal(res.statusCode, code, name);
    t.match(res.json().message, message, name);
  }
  const siteWide = await req(app, cookies.admin, 'POST', '/api/maintenance', { duration: '30m', reason: 'ISP change' });
  t.equal(siteWide.statusCode, 200, 'an admin may take the whole site down for maintenance');

  t.equal((await req(app, cookies.viewer, 'DELETE', `/api/maintenance/${w.id}`)).statusCode, 403);
  t.equal((await req(app, cookies.tech, 'DELETE', `/api/maintenance/${w.id}`)).statusCode, 204);
  t.equal((await req(app, cookies.tech, 'DELETE', `/api/maintenance/${w.id}`)).statusCode, 404, 'gone');
  t.equal((await req(app, cookies.tech, 'DELETE', '/api/maintenance/abc')).statusCode, 400);
  t.same(
    (await req(app, cookies.viewer, 'GET', '/api/maintenance')).json().map((m: { source: string; window: { device?: string; class?: string } }) => [m.source, m.window.device ?? m.window.class ?? 'site']),
    [
      ['config', 'switch'],
      ['dashboard', 'site'],
      ['dashboard', 'ups'],
    ],
  );
  const log = auditLog(app.outpost.store.db).filter((e) => e.action.startsWith('maintenance.'));
  t.match(log, [
    { user: 'tech1', action: 'maintenance.delete', target: 'device ups1', detail: `#${w.id}` },
    { user: 'admin1', action: 'maintenance.add', target: 'site', detail: /ISP change/ },
    { user: 'tech1', action: 'maintenance.add', target: 'class ups' },
    { user: 'tech1', action: 'maintenance.add', target: 'device ups1', detail: /battery swap/ },
  ]);
});

t.test('a dashboard window marks an active alert as in maintenance, visible in GET /api/alerts', async (t) => {
  const { app, cookies } = await setup(t);
  await req(app, cookies.admin, 'PUT', '/api/rules/overrides', { rule: 'UpsChargeLow', device: 'ups1', warn: { value: 101 }, for: '0s' });
  app.outpost.alerts.sample({ device: 'ups1', class: 'ups', probe: 'snmp', ok: true, time: Date.now(), points: [{ measurement: 'ups', tags: {}, fields: { battery_charge_pct: 100 } }] });
  t.match((await req(app, cookies.viewer, 'GET', '/api/alerts')).json(), [{ rule: 'UpsChargeLow', device: 'ups1' }]);
  t.notOk((await req(app, cookies.viewer, 'GET', '/api/alerts')).json()[0].maintenance);
  const w = (await req(app, cookies.tech, 'POST', '/api/maintenance', { device: 'ups1', duration: '1h' })).json();
  t.match((await req(app, cookies.viewer, 'GET', '/api/alerts')).json(), [{ rule: 'UpsChargeLow', maintenance: true }]);
  await req(app, cookies.tech, 'DELETE', `/api/maintenance/${w.id}`);
  t.notOk((await req(app, cookies.viewer, 'GET', '/api/alerts')).json()[0].maintenance, 'ending the window clears the mark');
});

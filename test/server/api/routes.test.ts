import t from 'tap';
import { build, login } from '../../helpers/app.js';

const site = {
  site: { id: 'test-site' },
  credentials: { lan: { version: '2c', community: 'do-not-leak-this' } },
  devices: [
    { name: 'ups1', host: '127.0.0.1', port: 11161, snmp: 'lan' },
    { name: 'printer', host: '127.0.0.1', parent: 'ups1' },
  ],
};

t.test('GET /api/health answers without a session and says setup is required', async (t) => {
  const app = await build(t, site);
  const res = await app.inject('/api/health');
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.site, 'test-site');
  t.equal(body.devices.total, 2);
  t.equal(body.setupRequired, true);
  t.equal(body.config.lastReloadOk, true);
});

t.test('every route in the OpenAPI document but health, login and setup answers 401 without a session', async (t) => {
  const app = await build(t, site);
  const cookie = await login(app);
  const doc = (await app.inject({ url: '/api/openapi.json', headers: { cookie } })).json();
  const open = new Set(['/api/health', '/api/auth/login', '/api/auth/setup']);
  let checked = 0;
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of Object.keys(ops)) {
      if (open.has(path)) continue;
      const url = path.replace(/\{[^}]+\}/g, 'ups1');
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url });
      t.equal(res.statusCode, 401, `${method.toUpperCase()} ${path}`);
      checked++;
    }
  }
  t.ok(checked >= 5, `checked ${checked} routes`);
  t.equal((await app.inject('/api/openapi.json')).statusCode, 401, 'the OpenAPI document itself needs a session');
});

t.test('login with a wrong password is 401 and sets no cookie; a right one sets an HttpOnly SameSite=Strict cookie', async (t) => {
  const app = await build(t, site);
  await app.outpost.users.add('alice', 'tech', 'correct horse battery');
  const bad = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'nope' } });
  t.equal(bad.statusCode, 401);
  t.equal(bad.cookies.length, 0);
  const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'correct horse battery' } });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), { username: 'alice', role: 'tech' });
  const c = ok.cookies[0]!;
  t.equal(c.httpOnly, true);
  t.equal(c.sameSite, 'Strict');
  const me = await app.inject({ url: '/api/auth/me', headers: { cookie: `outpost_session=${c.value}` } });
  t.same(me.json(), { username: 'alice', role: 'tech' });
});

t.test('bad requests get 400 with the reason, never 500', async (t) => {
  const app = await build(t, site);
  const cookie = await login(app);
  const extra = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'b', admin: true } });
  t.equal(extra.statusCode, 400);
  t.match(extra.json().message, /additional properties/);
  const q = await app.inject({ url: '/api/devices/ups1/series?measurement=ups', headers: { cookie } });
  t.equal(q.statusCode, 400);
  t.match(q.json().message, /field/);
  const inj = await app.inject({ url: '/api/devices/ups1/series?measurement=ups;drop&field=x', headers: { cookie } });
  t.equal(inj.statusCode, 400);
  const order = await app.inject({ url: '/api/devices/ups1/series?measurement=ups&field=load_pct&from=200&to=100', headers: { cookie } });
  t.equal(order.statusCode, 400);
  t.match(order.json().message, /from/);
  const junk = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
  t.equal(junk.statusCode, 400);
});

t.test('GET /api/devices lists configured devices before their first poll, with parent', async (t) => {
  const app = await build(t, site);
  const cookie = await login(app, 'viewer');
  const res = await app.inject({ url: '/api/devices', headers: { cookie } });
  t.equal(res.statusCode, 200);
  const list = res.json();
  t.same(list.map((d: { name: string }) => d.name), ['printer', 'ups1']);
  t.equal(list[0].parent, 'ups1');
  t.equal(list[0].state, 'unknown');
  t.equal((await app.inject({ url: '/api/devices/nope', headers: { cookie } })).statusCode, 404);
});

t.test('first-run setup creates the admin once with the logged setup code', async (t) => {
  const app = await build(t, site);
  const code = app.outpost.setupCode!;
  t.ok(code);
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { code: 'x', username: 'root', password: 'long enough pw' } });
  t.equal(wrong.statusCode, 403);
  const ok = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { code, username: 'root', password: 'long enough pw' } });
  t.equal(ok.statusCode, 200);
  const again = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { code, username: 'evil', password: 'long enough pw' } });
  t.equal(again.statusCode, 403);
});

t.test('API tokens authenticate with Bearer and carry their role', async (t) => {
  const app = await build(t, site);
  const token = app.outpost.users.createToken('ci', 'viewer');
  const res = await app.inject({ url: '/api/devices', headers: { authorization: `Bearer ${token}` } });
  t.equal(res.statusCode, 200);
  const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: 'Bearer opt_wrong' } });
  t.equal(out.statusCode, 401);
});

t.test('no response ever contains a configured secret', async (t) => {
  const app = await build(t, site);
  const cookie = await login(app);
  for (const url of ['/api/health', '/api/devices', '/api/devices/ups1', '/api/openapi.json']) {
    const res = await app.inject({ url, headers: { cookie } });
    t.notMatch(res.body, /do-not-leak-this/, url);
  }
});

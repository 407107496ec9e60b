import t from 'tap';
import { buildSecure, loginAs, operations } from './helper.js';

const site = {
  site: { id: 'roles-site' },
  credentials: { lan: { version: '2c', community: 'roles-community' } },
  devices: [{ name: 'ups1', host: '127.0.0.1', port: 19601, snmp: 'lan' }],
};
const PUBLIC = new Set(['/api/health', '/api/auth/login', '/api/auth/setup']);
// Writes about one's own session, which every role may make.
const SELF = new Set(['POST /api/auth/logout']);
const ADMIN_ONLY = ['/api/tokens', '/api/users', '/api/audit'];
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Reads a route deliberately keeps from viewers (raw trap varbinds can carry a v1/v2c community).
const TECH_READS = new Set(['/api/traps']);

t.test('a viewer gets 403 on every write route in the OpenAPI document', async (t) => {
  const { app } = await buildSecure(t, site);
  const admin = await loginAs(app, 'admin');
  const viewer = await loginAs(app, 'viewer');
  const ops = (await operations(app, admin, 'ups1')).filter((o) => WRITE.has(o.method) && !PUBLIC.has(o.path) && !SELF.has(`${o.method} ${o.path}`));
  t.ok(ops.length >= 5, `${ops.length} write routes: ${ops.map((o) => `${o.method} ${o.path}`).join(', ')}`);
  for (const o of ops) {
    const res = await app.inject({ method: o.method as 'POST', url: o.url, headers: { cookie: viewer }, payload: {} });
    t.equal(res.statusCode, 403, `${o.method} ${o.path}`);
    t.match(res.json().message, /needs role (tech|admin)/);
  }
});

t.test('every GET route answers a viewer except the admin ones, which are 403 for viewer and tech', async (t) => {
  const { app } = await buildSecure(t, site);
  const admin = await loginAs(app, 'admin');
  const viewer = await loginAs(app, 'viewer');
  const tech = await loginAs(app, 'tech');
  for (const o of (await operations(app, admin, 'ups1')).filter((x) => x.method === 'GET' && x.path !== '/api/events')) {
    const adminOnly = ADMIN_ONLY.some((p) => o.path.startsWith(p));
    const v = await app.inject({ url: o.url, headers: { cookie: viewer } });
    if (TECH_READS.has(o.path)) {
      t.equal(v.statusCode, 403, `viewer GET ${o.path}`);
      t.not((await app.inject({ url: o.url, headers: { cookie: tech } })).statusCode, 403, `tech GET ${o.path}`);
    } else if (adminOnly) {
      t.equal(v.statusCode, 403, `viewer GET ${o.path}`);
      t.equal((await app.inject({ url: o.url, headers: { cookie: tech } })).statusCode, 403, `tech GET ${o.path}`);
      t.equal((await app.inject({ url: o.url, headers: { cookie: admin } })).statusCode, 200, `admin GET ${o.path}`);
    } else t.not(v.statusCode, 403, `viewer GET ${o.path} is allowed`);
  }
});

t.test('a tech may acknowledge (reaches the route) but not manage users or tokens', async (t) => {
  const { app } = await buildSecure(t, site);
  const tech = await loginAs(app, 'tech');
  const ack = await app.inject({ method: 'POST', url: '/api/alerts/nope/ack', headers: { cookie: tech }, payload: {} });
  t.equal(ack.statusCode, 404, 'past the role check: the alert does not exist');
  const tok = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: tech }, payload: { name: 'x', role: 'admin' } });
  t.equal(tok.statusCode, 403);
  const usr = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: tech }, payload: { username: 'evil', role: 'admin', password: 'long enough pw' } });
  t.equal(usr.statusCode, 403);
  t.equal(app.outpost.users.hasUser('evil'), false);
});

t.test('API tokens: shown once, hashed at rest, scoped by role, revocable, and audited', async (t) => {
  const { app } = await buildSecure(t, site);
  const admin = await loginAs(app, 'admin');
  const created = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: admin }, payload: { name: 'psa', role: 'viewer' } });
  t.equal(created.statusCode, 201);
  const { token } = created.json() as { token: string };
  t.match(token, /^opt_[A-Za-z0-9_-]{32}$/);

  const list = await app.inject({ url: '/api/tokens', headers: { cookie: admin } });
  t.same(list.json().map((x: { name: string; role: string }) => [x.name, x.role]), [['psa', 'viewer']]);
  t.notMatch(list.body, token, 'the list never shows the token again');
  const rows = app.outpost.store.db.prepare('SELECT * FROM api_tokens').all();
  t.notMatch(JSON.stringify(rows), token, 'only a hash is stored');

  const dup = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie: admin }, payload: { name: 'psa', role: 'admin' } });
  t.equal(dup.statusCode, 409);

  const bearer = { authorization: `Bearer ${token}` };
  t.equal((await app.inject({ url: '/api/devices', headers: bearer })).statusCode, 200, 'viewer token reads');
  t.equal((await app.inject({ method: 'POST', url: '/api/alerts/x/ack', headers: bearer, payload: {} })).statusCode, 403, 'viewer token cannot acknowledge');
  t.equal((await app.inject({ url: '/api/tokens', headers: bearer })).statusCode, 403, 'viewer token cannot list tokens');

  const revoked = await app.inject({ method: 'DELETE', url: '/api/tokens/psa', headers: { cookie: admin } });
  t.equal(revoked.statusCode, 204);
  t.equal((await app.inject({ url: '/api/devices', headers: bearer })).statusCode, 401, 'a revoked token is refused');
  t.equal((await app.inject({ method: 'DELETE', url: '/api/tokens/psa', headers: { cookie: admin } })).statusCode, 404);

  const audit = (await app.inject({ url: '/api/audit', headers: { cookie: admin } })).json() as Array<{ user: string; action: string; target: string }>;
  t.same(audit.map((a) => [a.user, a.action, a.target]), [['admin1', 'token.revoke', 'psa'], ['admin1', 'token.create', 'psa']]);
  t.notMatch(JSON.stringify(audit), token);
});

t.test('admins add users (never overwrite one); the list has no password hashes; oversized or unknown input is 400', async (t) => {
  const { app } = await buildSecure(t, site);
  const admin = await loginAs(app, 'admin');
  const add = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: { username: 'bob', role: 'tech', password: 'bobs long password' } });
  t.equal(add.statusCode, 201);
  t.same(add.json().role, 'tech');
  const again = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: { username: 'bob', role: 'admin', password: 'another long one' } });
  t.equal(again.statusCode, 409, 'adding is not a way to change a password or role');
  const list = await app.inject({ url: '/api/users', headers: { cookie: admin } });
  t.same(list.json().map((u: { username: string }) => u.username), ['admin1', 'bob']);
  t.notMatch(list.body, /scrypt|pw_hash/);
  const extra = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: { username: 'eve', role: 'tech', password: 'long enough pw', admin: true } });
  t.equal(extra.statusCode, 400);
  const huge = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: { username: 'eve', role: 'tech', password: 'x'.repeat(300) } });
  t.equal(huge.statusCode, 400);
  const short = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: { username: 'eve', role: 'tech', password: 'short' } });
  t.equal(short.statusCode, 400);
  const audit = (await app.inject({ url: '/api/audit?limit=1', headers: { cookie: admin } })).json();
  t.match(audit, [{ user: 'admin1', action: 'user.add', target: 'bob', detail: 'role tech' }]);
});

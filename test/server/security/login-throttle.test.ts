import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditLog } from '../../../server/auth/audit.js';
import { buildSecure, PASSWORD } from './helper.js';

const site = { site: { id: 'throttle-site' } };
const login = (app: Awaited<ReturnType<typeof buildSecure>>['app'], username: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

t.test('N bad logins lock the user; during the lockout the right password is refused too; the lockout expires', async (t) => {
  const lockoutMs = 4000;
  const { app, logs } = await buildSecure(t, site, { security: { userMaxFailures: 3, addressMaxFailures: 100, lockoutMs } });
  await app.outpost.users.add('alice', 'tech', PASSWORD);
  // Different addresses: the per-user counter is what locks here. The lockout runs from the third failure.
  for (let i = 1; i <= 3; i++) t.equal((await login(app, 'alice', `guess ${i}`, `127.0.0.${i + 1}`)).statusCode, 401, `bad login ${i}`);
  const lockedAt = Date.now();
  const locked = await login(app, 'alice', PASSWORD, '127.0.0.9');
  t.equal(locked.statusCode, 429, 'the right password during the lockout is refused');
  t.equal(locked.cookies.length, 0, 'and no session is given');
  t.match(locked.json().message, /too many failed logins for this user/);
  t.ok(Number(locked.headers['retry-after']) >= 1, 'Retry-After says when to come back');
  t.equal((await login(app, 'ALICE', PASSWORD, '127.0.0.9')).statusCode, 429, 'the lockout is per user name, case-insensitively');

  // Other users are not affected.
  await app.outpost.users.add('bob', 'viewer', PASSWORD);
  t.equal((await login(app, 'bob', PASSWORD)).statusCode, 200);

  await sleep(Math.max(0, lockedAt + lockoutMs + 200 - Date.now()));
  const after = await login(app, 'alice', PASSWORD);
  t.equal(after.statusCode, 200, 'after the lockout the right password works again');

  const failed = logs.find(/^login failed$/);
  t.equal(failed.length, 3, 'every failed attempt is logged');
  t.match(failed[0], { username: 'alice', ip: '127.0.0.2' });
  t.ok(logs.find(/locked out after repeated failures/).length === 1, 'the lockout itself is logged');
  t.ok(logs.find(/login refused: locked out/).length >= 2, 'attempts during the lockout are logged');
  t.notMatch(logs.text, PASSWORD, 'no password in the log');
  t.notMatch(logs.text, /guess \d/, 'not even a wrong one');
  t.match(auditLog(app.outpost.store.db), [{ action: 'login.lockout', target: 'alice' }]);
});

t.test('one address guessing many user names is locked out as an address', async (t) => {
  const { app } = await buildSecure(t, site, { security: { userMaxFailures: 100, addressMaxFailures: 4, lockoutMs: 60_000 } });
  await app.outpost.users.add('carol', 'admin', PASSWORD);
  for (let i = 0; i < 4; i++) t.equal((await login(app, `user${i}`, 'wrong password', '127.0.0.50')).statusCode, 401);
  const res = await login(app, 'carol', PASSWORD, '127.0.0.50');
  t.equal(res.statusCode, 429);
  t.match(res.json().message, /your address/);
  t.equal((await login(app, 'carol', PASSWORD, '127.0.0.51')).statusCode, 200, 'another address still logs in');
});

t.test('successful logins never count toward a lockout', async (t) => {
  const { app } = await buildSecure(t, site, { security: { userMaxFailures: 2, addressMaxFailures: 2, lockoutMs: 60_000 } });
  await app.outpost.users.add('dave', 'tech', PASSWORD);
  for (let i = 0; i < 6; i++) t.equal((await login(app, 'dave', PASSWORD)).statusCode, 200, `login ${i + 1}`);
});

t.test('login requests from one address are throttled by @fastify/rate-limit whatever their outcome', async (t) => {
  const { app } = await buildSecure(t, site, { security: { loginPerMinute: 5, userMaxFailures: 100, addressMaxFailures: 100 } });
  await app.outpost.users.add('erin', 'tech', PASSWORD);
  const codes: number[] = [];
  for (let i = 0; i < 7; i++) codes.push((await login(app, 'erin', PASSWORD, '127.0.0.77')).statusCode);
  t.same(codes, [200, 200, 200, 200, 200, 429, 429]);
  t.equal((await login(app, 'erin', PASSWORD, '127.0.0.78')).statusCode, 200, 'per address');
  const setup = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { code: 'guess', username: 'x', password: 'long enough pw' }, remoteAddress: '127.0.0.77' });
  t.equal(setup.statusCode, 403, 'the setup route has its own counter (and setup is done)');
});

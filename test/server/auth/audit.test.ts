import t from 'tap';
import Database from 'better-sqlite3';
import { audit, auditLog, auditRequest } from '../../../server/auth/audit.js';
import { buildSecure, loginAs } from '../security/helper.js';

const site = { site: { id: 'audit-site' }, devices: [] };

/** A request's logger that keeps what it was given. */
function capture(username?: string) {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { lines, req: { ...(username ? { user: { username } } : {}), log: { info: (obj: object, msg: string) => lines.push({ obj: obj as Record<string, unknown>, msg }) } } };
}

t.test('auditRequest writes the row and one log line naming the same action, user and target', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const { req, lines } = capture('tech1');
  auditRequest(req, db, { action: 'alert.silence', target: 'ups1/UpsOnBattery', detail: '2026-12-01T00:00:00.000Z' }, 'alert silenced', { until: 1796083200000 });
  const [row] = auditLog(db);
  t.match(row, { user: 'tech1', action: 'alert.silence', target: 'ups1/UpsOnBattery', detail: '2026-12-01T00:00:00.000Z' });
  t.same(lines, [{ obj: { audit: 'alert.silence', user: 'tech1', target: 'ups1/UpsOnBattery', until: 1796083200000 }, msg: 'alert silenced' }], 'detail (free text) stays out of the log line');
});

t.test('auditRequest: an explicit user wins, fields cannot overwrite who or what, no target means no target key', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const { req, lines } = capture('admin1');
  auditRequest(req, db, { user: 'cli', action: 'token.revoke' }, 'API token revoked', { user: 'forged', audit: 'forged' });
  t.match(auditLog(db)[0], { user: 'cli', action: 'token.revoke', target: null });
  t.same(lines[0]!.obj, { audit: 'token.revoke', user: 'cli' });
});

t.test('auditRequest on a request without a signed-in user throws and records nothing', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  audit(db, { user: 'x', action: 'setup' });
  const { req, lines } = capture();
  t.throws(() => auditRequest(req, db, { action: 'user.add', target: 'bob' }, 'user added'), /user\.add: no signed-in user/);
  t.equal(auditLog(db).length, 1, 'only the earlier row');
  t.same(lines, []);
});

t.test('token and user routes log one line per audit row, with the same user and target', async (t) => {
  const { app, logs } = await buildSecure(t, site);
  const admin = await loginAs(app, 'admin');
  const headers = { cookie: admin };
  t.equal((await app.inject({ method: 'POST', url: '/api/tokens', headers, payload: { name: 'psa', role: 'viewer' } })).statusCode, 201);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/tokens/psa', headers })).statusCode, 204);
  t.equal((await app.inject({ method: 'POST', url: '/api/users', headers, payload: { username: 'bob', role: 'tech', password: 'long enough pw' } })).statusCode, 201);

  const rows = auditLog(app.outpost.store.db).filter((r) => r.action.startsWith('token.') || r.action === 'user.add').reverse();
  const by = rows[0]!.user;
  t.same(rows.map((r) => [r.action, r.target, r.user]), [['token.create', 'psa', by], ['token.revoke', 'psa', by], ['user.add', 'bob', by]]);
  const lines = logs.find(/^(API token created|API token revoked|user added)$/);
  t.same(
    lines.map((l) => [l.msg, l.audit, l.target, l.user, l.role]),
    [['API token created', 'token.create', 'psa', by, 'viewer'], ['API token revoked', 'token.revoke', 'psa', by, undefined], ['user added', 'user.add', 'bob', by, 'tech']],
  );
  t.notMatch(logs.text, /opt_[A-Za-z0-9_-]{32}/, 'the token itself is never logged');
});

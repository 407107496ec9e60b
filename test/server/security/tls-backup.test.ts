import t from 'tap';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCertificate } from '../../../server/tls.js';
import { backup, restore } from '../../../server/cli/backup.js';
import { EmbeddedStore } from '../../../server/store/embedded.js';
import { UserStore } from '../../../server/auth/users.js';
import { audit, auditLog } from '../../../server/auth/audit.js';
import { tempDir } from '../../helpers/app.js';

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

t.test('ensureCertificate makes a self-signed pair once, keeps an existing one, refuses half a pair', async (t) => {
  const dir = tempDir(t);
  const paths = { cert: join(dir, 'tls/cert.pem'), key: join(dir, 'tls/key.pem') };
  const made = await ensureCertificate(paths, { altNames: ['DNS:box.local', 'IP:127.0.0.1'] });
  t.equal(made.generated, true);
  t.match(made.altNames, /DNS:box\.local/);
  t.match(made.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  t.equal(mode(paths.key), '600', 'the key is private');
  const again = await ensureCertificate(paths);
  t.equal(again.generated, false);
  t.equal(again.fingerprint256, made.fingerprint256, 'an existing pair is never replaced');

  const half = { cert: paths.cert, key: join(dir, 'tls/missing.pem') };
  await t.rejects(ensureCertificate(half), /missing\.pem is missing but .*cert\.pem exists/);
  writeFileSync(join(dir, 'junk.pem'), 'not a cert');
  writeFileSync(join(dir, 'junk.key'), 'x');
  await t.rejects(ensureCertificate({ cert: join(dir, 'junk.pem'), key: join(dir, 'junk.key') }), /not a PEM certificate/);
  await t.rejects(ensureCertificate({ cert: join(dir, 'n/c.pem'), key: join(dir, 'n/k.pem') }, { openssl: join(dir, 'no-openssl') }), /openssl is not installed/);
});

t.test('backup then restore on a "new box" brings back config, secrets file and data; archives are 0600', async (t) => {
  const old = tempDir(t);
  const cfg = join(old, 'etc/outpost.yaml');
  mkdirSync(join(old, 'etc'));
  writeFileSync(cfg, `site: { id: moving-site }\nstorage: { embedded: { path: ${join(old, 'data')} } }\ncredentials:\n  lan: { version: 2c, community: "\${SNMP_COMMUNITY}" }\n`);
  writeFileSync(join(old, 'etc/outpost.env'), 'SNMP_COMMUNITY=backup-secret\n', { mode: 0o600 });
  const store = new EmbeddedStore(join(old, 'data'), { rawMs: 1, fiveMinMs: 1, hourlyMs: 1 });
  await new UserStore(store.db).add('admin', 'admin', 'a long admin password');
  audit(store.db, { user: 'admin', action: 'user.add', target: 'admin' });
  // The service keeps running (and holding the database open) while the backup is taken.
  const env = { SNMP_COMMUNITY: 'backup-secret' };
  const archive = join(old, 'site.tar.gz');
  const m = await backup(archive, { configPath: cfg, env });
  t.equal(m.site, 'moving-site');
  t.equal(mode(archive), '600', 'the archive holds secrets');
  await t.rejects(backup(archive, { configPath: cfg, env }), /exists; a backup never overwrites/);
  const asDir = join(old, 'site-backup');
  await backup(asDir, { configPath: cfg, env });
  t.ok(existsSync(join(asDir, 'data/outpost.db')), 'a directory backup works too');
  store.close();

  const fresh = tempDir(t);
  const r = await restore(archive, { configPath: join(fresh, 'etc/outpost.yaml'), dataDir: join(fresh, 'data') });
  t.equal(r.manifest.site, 'moving-site');
  t.match(readFileSync(join(fresh, 'etc/outpost.yaml'), 'utf8'), /moving-site/);
  t.equal(readFileSync(join(fresh, 'etc/outpost.env'), 'utf8'), 'SNMP_COMMUNITY=backup-secret\n');
  t.equal(mode(join(fresh, 'etc/outpost.yaml')), '600');
  const restored = new EmbeddedStore(join(fresh, 'data'), { rawMs: 1, fiveMinMs: 1, hourlyMs: 1 });
  t.equal(await new UserStore(restored.db).verify('admin', 'a long admin password'), 'admin', 'users came along');
  t.match(auditLog(restored.db), [{ action: 'user.add', target: 'admin' }], 'and the audit log');
  restored.close();
  await t.rejects(restore(archive, { configPath: join(fresh, 'etc/outpost.yaml'), dataDir: join(fresh, 'data') }), /exists; stop the service and pass --force/);
  const forced = await restore(asDir, { configPath: join(fresh, 'etc/outpost.yaml'), dataDir: join(fresh, 'data'), force: true });
  t.equal(forced.manifest.site, 'moving-site');
  await t.rejects(restore(join(fresh, 'etc')), /not an Outpost backup/);
});

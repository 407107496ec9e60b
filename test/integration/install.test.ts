import t from 'tap';
import { execFileSync, spawnSync, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'node:https';
import { PACKAGE_ROOT } from '../../server/version.js';
import { tempDir } from '../helpers/app.js';

const INSTALL = join(PACKAGE_ROOT, 'scripts', 'install.sh');
const UNITS = ['outpost.service', 'outpost-watchdog.service', 'outpost-watchdog.timer', 'outpost-smart.service', 'outpost-smart.timer'];

function install(root: string, ...args: string[]) {
  const r = spawnSync('sh', [INSTALL, '--root', root, '--no-start', ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every path with its type, mode and content hash (or link target): equal listings = nothing changed. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out.push(`l ${mode} ${rel} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`d ${mode} ${st.uid}:${st.gid} ${rel}`);
        walk(p);
      } else out.push(`f ${mode} ${st.uid}:${st.gid} ${rel} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}

const mode = (p: string) => (lstatSync(p).mode & 0o777).toString(8);

t.test('install.sh into a throwaway root: the tree, the modes, and a second run changes nothing', async (t) => {
  const root = tempDir(t, 'outpost-root-');
  const first = install(root);
  t.equal(first.code, 0, first.out);
  t.match(first.out, /installing the program/);
  t.match(first.out, /made a self-signed certificate/);

  const app = join(root, 'usr/lib/outpost');
  t.ok(existsSync(join(app, 'dist/server/cli.js')), 'the program');
  t.ok(existsSync(join(app, 'node_modules/better-sqlite3')), 'its runtime dependencies');
  t.notOk(existsSync(join(app, 'node_modules/typescript')), 'but not the compiler');
  t.notOk(existsSync(join(app, 'node_modules/tap')), 'nor the test runner');
  for (const u of UNITS) t.ok(existsSync(join(root, 'etc/systemd/system', u)), u);
  t.equal(mode(join(root, 'etc/outpost')), '700');
  t.equal(mode(join(root, 'etc/outpost/outpost.yaml')), '600', 'config file mode 0600');
  t.equal(mode(join(root, 'etc/outpost/outpost.env')), '600', 'secrets file mode 0600');
  t.equal(mode(join(root, 'etc/outpost/tls/key.pem')), '600', 'TLS key mode 0600');
  t.equal(mode(join(app, 'smartctl-helper')), '755', 'the root helper is not writable by anyone but root');
  if (process.getuid?.() === 0) t.equal(lstatSync(join(app, 'smartctl-helper')).uid, 0, 'and owned by root');
  t.equal(mode(join(root, 'usr/local/bin/outpost')), '755');

  const cert = new X509Certificate(readFileSync(join(root, 'etc/outpost/tls/cert.pem')));
  t.match(cert.subjectAltName, /IP Address:127\.0\.0\.1/);
  t.ok(new Date(cert.validTo).getTime() > Date.now() + 9 * 365 * 86_400_000, 'valid for about ten years');

  const check = spawnSync('node', ['--openssl-legacy-provider', join(app, 'dist/server/cli.js'), 'check-config', join(root, 'etc/outpost/outpost.yaml')], { encoding: 'utf8' });
  t.equal(check.status, 0, `the written config is valid: ${check.stdout}${check.stderr}`);
  t.match(readFileSync(join(root, 'etc/outpost/healthcheck.env'), 'utf8'), /OUTPOST_HEALTH_URL=https:\/\/127\.0\.0\.1:443\/api\/health/);

  const before = listing(root);
  const second = install(root);
  t.equal(second.code, 0, second.out);
  t.notMatch(second.out, /installing the program|wrote|made a self-signed/, 'the second run says it did nothing');
  t.same(listing(root), before, 'and the tree is byte for byte the same');

  // A config the MSP edited is never overwritten.
  writeFileSync(join(root, 'etc/outpost/outpost.yaml'), 'site: { id: edited }\n', { mode: 0o644 });
  const inst = install(root);
  t.equal(inst.code, 0, inst.out);
  t.equal(readFileSync(join(root, 'etc/outpost/outpost.yaml'), 'utf8'), 'site: { id: edited }\n');
  t.equal(mode(join(root, 'etc/outpost/outpost.yaml')), '600', 'but its mode is put back to 0600');
});

t.test('the installed program serves HTTPS with the certificate the installer made', async (t) => {
  const root = tempDir(t, 'outpost-root-');
  const inst = install(root);
  t.equal(inst.code, 0, inst.out);
  const app = join(root, 'usr/lib/outpost');
  const cfg = join(root, 'etc/outpost/test.yaml');
  writeFileSync(
    cfg,
    `site: { id: install-test }\nserver: { port: 19640, host: 127.0.0.1, tls: { cert: ${root}/etc/outpost/tls/cert.pem, key: ${root}/etc/outpost/tls/key.pem } }\ndevices: []\n`,
  );
  const child = spawn('node', ['--openssl-legacy-provider', join(app, 'dist/server/cli.js'), 'serve', '--config', cfg], {
    env: { ...process.env, OUTPOST_DATA_DIR: join(root, 'var/lib/outpost'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const ca = readFileSync(join(root, 'etc/outpost/tls/cert.pem'));
  const get = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      // Trust exactly the box's own certificate, as a tech does after checking its fingerprint.
      const req = request({ host: '127.0.0.1', port: 19640, path: '/api/health', ca, servername: 'localhost', agent: new Agent({ keepAlive: false }) }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  let res: { status: number; body: string } | undefined;
  for (let i = 0; i < 60 && !res; i++) {
    res = await get().catch(() => undefined);
    if (!res) await sleep(250);
  }
  t.ok(res, `answered over HTTPS (${log.slice(0, 500)})`);
  t.equal(res?.status, 200);
  t.match(JSON.parse(res?.body ?? '{}'), { site: 'install-test', setupRequired: true });
});

t.test('systemd-analyze verify accepts the units as installed', { skip: !hasSystemdAnalyze() && 'systemd-analyze is not installed' }, async (t) => {
  const root = tempDir(t, 'outpost-root-');
  const inst = install(root);
  t.equal(inst.code, 0, inst.out);
  // Verify checks that every Exec path exists: point them at the throwaway root's copies.
  const dir = tempDir(t, 'outpost-units-');
  for (const u of UNITS) {
    const text = readFileSync(join(root, 'etc/systemd/system', u), 'utf8').replaceAll('/usr/lib/outpost/', `${root}/usr/lib/outpost/`);
    writeFileSync(join(dir, u), text);
  }
  const r = spawnSync('systemd-analyze', ['verify', ...UNITS.map((u) => join(dir, u))], { encoding: 'utf8' });
  const problems = `${r.stdout}${r.stderr}`
    .split('\n')
    .filter(Boolean)
    // A container without systemd as PID 1 has no sysinit.target to order against; that is not the unit's fault.
    .filter((l) => !/sysinit\.target|Failed to create .*\/start/.test(l));
  t.same(problems, [], 'no warnings or errors');
  t.match(readFileSync(join(dir, 'outpost.service'), 'utf8'), /^User=outpost$/m);
  t.match(readFileSync(join(dir, 'outpost.service'), 'utf8'), /^AmbientCapabilities=CAP_NET_RAW CAP_NET_BIND_SERVICE$/m);
});

t.test('--uninstall keeps the config and data; --uninstall --purge removes them', async (t) => {
  const root = tempDir(t, 'outpost-root-');
  const inst = install(root);
  t.equal(inst.code, 0, inst.out);
  mkdirSync(join(root, 'var/lib/outpost'), { recursive: true });
  writeFileSync(join(root, 'var/lib/outpost/outpost.db'), 'data');
  const un = install(root, '--uninstall');
  t.equal(un.code, 0, un.out);
  t.notOk(existsSync(join(root, 'usr/lib/outpost')));
  t.notOk(existsSync(join(root, 'etc/systemd/system/outpost.service')));
  t.ok(existsSync(join(root, 'etc/outpost/outpost.yaml')), 'config kept');
  t.ok(existsSync(join(root, 'var/lib/outpost/outpost.db')), 'data kept');
  const purge = install(root, '--uninstall', '--purge');
  t.equal(purge.code, 0, purge.out);
  t.notOk(existsSync(join(root, 'etc/outpost')));
  t.notOk(existsSync(join(root, 'var/lib/outpost')));
});

t.test('on a box with Node.js 18 the installer says exactly how to get 20+ and stops', async (t) => {
  const bin = tempDir(t, 'outpost-fakenode-');
  writeFileSync(join(bin, 'node'), '#!/bin/sh\ncase "$1" in -v) echo v18.20.4 ;; -p) echo 18 ;; esac\n');
  chmodSync(join(bin, 'node'), 0o755);
  const root = tempDir(t, 'outpost-root-');
  const r = spawnSync('sh', [INSTALL, '--root', root, '--no-start'], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` } });
  t.equal(r.status, 1);
  t.match(r.stderr, /needs Node\.js 20 or newer; this box has v18\.20\.4/);
  t.match(r.stderr, /nodesource|trixie/i);
  t.notOk(existsSync(join(root, 'usr/lib/outpost')), 'nothing was installed');
});

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../server/version.js';
import { redirectHost } from '../../../server/security.js';
import { buildSecure, loginAs } from './helper.js';

const site = { site: { id: 'csrf-site' } };

t.test('CSRF: a cookie-authenticated write from another origin is refused; same-origin and token requests pass', async (t) => {
  const { app, logs } = await buildSecure(t, site);
  const cookie = await loginAs(app, 'admin');
  const host = 'outpost.local';
  const post = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie, host, ...headers }, payload: { name: `t${Math.random().toString(36).slice(2, 8)}`, role: 'viewer' } });

  const cases: Array<[string, Record<string, string>, number]> = [
    ['foreign Origin', { origin: 'https://evil.example' }, 403],
    ['foreign Origin with the same host on another port', { origin: 'https://outpost.local:8443' }, 403],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, 403],
    ['Sec-Fetch-Site: same-site (a sibling host of the client domain)', { 'sec-fetch-site': 'same-site' }, 403],
    ['Sec-Fetch-Site wins over a matching Origin', { 'sec-fetch-site': 'cross-site', origin: 'https://outpost.local' }, 403],
    ['malformed Origin', { origin: 'null' }, 403],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }, 201],
    ['Origin equal to Host', { origin: 'https://outpost.local' }, 201],
    ['no Origin and no Sec-Fetch-Site (not a browser: curl, scripts)', {}, 201],
  ];
  for (const [what, headers, code] of cases) {
    const res = await post(headers);
    t.equal(res.statusCode, code, what);
    if (code === 403) t.match(res.json().message, /cross-site request refused/);
  }
  t.equal(logs.find(/CSRF check refused/).length, 6, 'each refusal is logged');

  const token = app.outpost.users.createToken('api', 'admin');
  const bearer = await app.inject({ method: 'POST', url: '/api/tokens', headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' }, payload: { name: 'viaToken', role: 'viewer' } });
  t.equal(bearer.statusCode, 201, 'Bearer requests are exempt: a browser never attaches a token by itself');

  const read = await app.inject({ url: '/api/devices', headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
  t.equal(read.statusCode, 200, 'reads are not state-changing (and the CSP/CORS keep their answers from the other origin)');
  t.notOk(read.headers['access-control-allow-origin'], 'no CORS: another origin cannot read the answer');

  const loginCsrf = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { origin: 'https://evil.example' }, payload: { username: 'admin1', password: 'x' } });
  t.equal(loginCsrf.statusCode, 403, 'login CSRF (logging the victim into the attacker account) is refused too');
});

t.test('security headers: a strict CSP with no inline scripts, no HSTS over plain HTTP, HSTS under TLS', async (t) => {
  const { app } = await buildSecure(t, site);
  const res = await app.inject('/api/health');
  const csp = String(res.headers['content-security-policy']);
  const dir = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  t.same(dir['script-src'], ["'self'"], 'scripts from the box only, nothing inline, no eval');
  t.same(dir['default-src'], ["'self'"]);
  t.same(dir['object-src'], ["'none'"]);
  t.same(dir['frame-ancestors'], ["'none'"], 'no clickjacking frame');
  t.same(dir['connect-src'], ["'self'"]);
  t.same(dir['style-src'], ["'self'"], 'style sheets from the box only; only style attributes may be inline');
  t.notOk('upgrade-insecure-requests' in dir, 'no upgrade on a plain-HTTP box (it would break every asset)');
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.notOk(res.headers['strict-transport-security']);
  t.notOk(res.headers['x-powered-by']);

  const tls = await buildSecure(t, site, { security: { tls: true } });
  const r2 = await tls.app.inject('/api/health');
  t.match(String(r2.headers['strict-transport-security']), /max-age=31536000/);
  t.match(String(r2.headers['content-security-policy']), /upgrade-insecure-requests/);
});

const index = join(PACKAGE_ROOT, 'ui', 'dist', 'index.html');
t.test('the built dashboard has nothing the CSP would block: no inline script, no inline handler, no foreign asset', { skip: !existsSync(index) && 'ui/dist is not built' }, async (t) => {
  const html = readFileSync(index, 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  t.ok(scripts.length >= 1, 'the page loads its app');
  for (const [, attrs, body] of scripts) {
    t.match(attrs, /\bsrc=/, 'every script is a file');
    t.equal(body!.trim(), '', 'with no inline body');
  }
  t.notMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler attribute');
  t.notMatch(html, /<style\b/i, 'no inline <style> element');
  for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/gi)) t.notMatch(url!, /^(https?:)?\/\//, `${url} is served by the box`);
});

t.test('plain HTTP only redirects: the target keeps the host the user typed and swaps the port', async (t) => {
  t.equal(redirectHost('box.local', 443), 'box.local');
  t.equal(redirectHost('box.local:80', 443), 'box.local');
  t.equal(redirectHost('192.168.1.10:8080', 8443), '192.168.1.10:8443');
  t.equal(redirectHost('[fe80::1]:80', 443), '[fe80::1]');
  t.equal(redirectHost('evil.example/path', 443), undefined, 'no path smuggled into Location');
  t.equal(redirectHost('a b', 443), undefined);
  t.equal(redirectHost(undefined, 443), undefined);
});

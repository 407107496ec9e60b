import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../server/version.js';
import { launchBrowser } from '../../helpers/browser.js';
import { buildSecure, loginAs } from './helper.js';

const PORT = 19610;
const site = { site: { id: 'csp-site' }, devices: [{ name: 'printer', host: '127.0.0.1', ping: false }] };

const built = existsSync(join(PACKAGE_ROOT, 'ui', 'dist', 'index.html'));
t.test('the built dashboard runs under the CSP in Chromium without a single violation', { skip: !built && 'ui/dist is not built' }, async (t) => {
  const { app } = await buildSecure(t, site, { app: { serveUi: true } });
  await app.listen({ port: PORT, host: '127.0.0.1' });
  const cookie = await loginAs(app, 'admin');
  const { context, page } = await launchBrowser(t);
  // Collected from inside the page (init scripts come from the browser, so the CSP does not apply to them).
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  const consoleRefusals: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) consoleRefusals.push(m.text());
  });
  const base = `http://127.0.0.1:${PORT}`;

  await page.goto(`${base}/`, { waitUntil: 'networkidle' });
  t.ok(await page.locator('#app *').count(), 'the app rendered (logged out: the login page)');
  let violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  t.same(violations, [], 'no CSP violation on the login page');

  await context.addCookies([{ name: 'outpost_session', value: cookie.split('=')[1]!, url: base, httpOnly: true, sameSite: 'Strict' }]);
  // Logged in, the page holds the SSE stream open: the network never goes idle.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForTimeout(2000);
  t.ok(await page.locator('#app *').count(), 'the dashboard rendered');
  violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  t.same(violations, [], 'no CSP violation on the dashboard');
  t.same(consoleRefusals, [], 'and no refusal in the console');
});

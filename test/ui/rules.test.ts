import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSnmpsim, CLI } from '../helpers/snmpsim.js';
import { tempDir } from '../helpers/app.js';
import { ARTIFACTS, launchBrowser, screenshot, startOutpost, requireBuild, TEST_PASSWORD, addUser } from '../helpers/browser.js';

/**
 * Editing alert thresholds and maintenance windows from the dashboard, in a real Chromium against the real
 * server polling the snmpsim recording of an APC Smart-UPS (battery at 100 %) every 3 s: a threshold set
 * in the UI makes the engine raise an alert, a maintenance window set in the UI marks it, and Reset makes it
 * resolve.
 */
const PORT = 19530;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = TEST_PASSWORD;

requireBuild();

const snmpPort = ensureSnmpsim();
const dir = tempDir(t, 'outpost-ui-rules-');
const cfgPath = join(dir, 'outpost.yaml');
writeFileSync(
  cfgPath,
  JSON.stringify({
    site: { id: 'rules-ui', name: 'Rules UI test site' },
    server: { port: PORT, host: '127.0.0.1' },
    credentials: { ups: { version: '2c', community: 'apc_smx750i' } },
    defaults: { interval: '3s', timeout: '2s', retries: 1 },
    devices: [{ name: 'ups1', host: '127.0.0.1', port: snmpPort, snmp: 'ups', ping: false }],
  }),
);
const env = { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') };
for (const [user, role] of [
  ['admin1', 'admin'],
  ['tech1', 'tech'],
] as const) {
  addUser(cfgPath, env, user, role);
}

const server = await startOutpost(t, CLI, cfgPath, env, BASE);
const { page } = await launchBrowser(t);
page.setDefaultTimeout(30_000);
const pageErrors: string[] = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));

const row = () => page.locator('tr[data-rule="UpsChargeLow"]');
const alertItem = () => page.locator('li[data-rule="UpsChargeLow"]');

t.test('log in as admin and open the UPS rules', async (t) => {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=username]', 'admin1');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  // The UPS rules apply once the first poll has classified the device; the device page loads its rules once,
  // so open it only then (on a busy machine the first poll can land after the page has loaded).
  for (let i = 0; i < 100; i++) {
    const cls = await page.evaluate(() => fetch('/api/devices/ups1').then((r) => r.json() as Promise<{ class?: string }>).then((d) => d.class));
    if (cls === 'ups') break;
    await new Promise((r) => setTimeout(r, 300));
  }
  await page.goto(`${BASE}/devices/ups1`);
  await page.locator('.identity').filter({ hasText: /Smart-UPS|APC/i }).waitFor();
  await page.click('summary >> text=Alert rules');
  await row().waitFor();
  t.match(await row().locator('[data-level=warn]').innerText(), /50/, 'the default warning level');
  t.equal(await alertItem().count(), 0, 'a full battery raises nothing');
});

t.test('a bad value gets the server reason next to its field, and nothing changes', async (t) => {
  await row().getByRole('button', { name: 'Edit UpsChargeLow' }).click();
  const form = page.getByRole('form', { name: 'Edit UpsChargeLow' });
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'scope', 'the form takes the focus');
  await form.getByLabel('For at least').fill('soon');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.locator('#err-for').waitFor();
  t.match(await page.locator('#err-for').innerText(), /for must match/);
  t.equal(await form.getByLabel('For at least').getAttribute('aria-invalid'), 'true');
  // A warning below the 20 % critical level would fire after it: the reason shows next to both levels.
  await form.getByLabel('For at least').fill('1m');
  await form.getByLabel('Warning when <').fill('10');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.locator('#err-warn').waitFor();
  t.match(await page.locator('#err-warn').innerText(), /warning must be above critical: UpsChargeLow fires below its levels \(low is bad\)/);
  t.match(await page.locator('#err-critical').innerText(), /critical must be below warning/);
  t.equal(await page.locator('#err-for').count(), 0, 'the duration is fine now');
  // Escape closes the form and gives the focus back to its Edit button.
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'detached' });
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Edit UpsChargeLow');
  t.match(await row().locator('[data-level=warn]').innerText(), /50/);
});

t.test('a threshold the battery breaches makes the engine raise the alert', async (t) => {
  await row().getByRole('button', { name: 'Edit UpsChargeLow' }).click();
  const form = page.getByRole('form', { name: 'Edit UpsChargeLow' });
  await form.getByLabel('Warning when <').fill('101');
  await form.getByLabel('For at least').fill('1s');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await row().locator('[data-level=warn]').filter({ hasText: 'dashboard' }).waitFor();
  t.match(await row().locator('[data-level=warn]').innerText(), /101[\s\S]*device[\s\S]*dashboard/, 'the new level, its scope and that the dashboard set it');
  await alertItem().waitFor({ timeout: 30_000 });
  t.match(await alertItem().innerText(), /ups1[\s\S]*since/);
  await screenshot(page, 'rules-edit');

  // At phone width each rule is a card: its name and its Edit button are on screen together, no sideways scroll.
  await page.setViewportSize({ width: 375, height: 812 });
  const edit = row().getByRole('button', { name: 'Edit UpsChargeLow' });
  await edit.scrollIntoViewIfNeeded();
  const inView = async (what: string, l: ReturnType<typeof row>) => {
    const b = await l.boundingBox();
    t.ok(b && b.x >= 0 && b.x + b.width <= 375 && b.y >= 0 && b.y + b.height <= 812, `${what} is inside the 375 px viewport (${JSON.stringify(b)})`);
  };
  await inView('the rule name', row().locator('strong'));
  await inView('its Edit button', edit);
  const overflow = await page.evaluate(() => [...document.querySelectorAll('table.rules')].map((el) => el.parentElement!.scrollWidth - el.parentElement!.clientWidth));
  t.same(overflow, [0], 'the rules table does not scroll sideways');
  t.ok(await row().locator('[data-level=critical]').isVisible(), 'the card shows the critical level');
  // The screen as the phone shows it (a full-page shot of the long device page would be too tall to read).
  await page.screenshot({ path: join(ARTIFACTS, 'rules-375.png') });

  // The same form at phone width: it stays within the screen.
  await edit.click();
  const box = await form.boundingBox();
  t.ok(box && box.x >= 0 && box.x + box.width <= 375, `the form fits a 375 px screen (${JSON.stringify(box)})`);
  t.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 375, 'no horizontal scrolling of the page');
  await screenshot(page, 'rules-edit-375');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await page.setViewportSize({ width: 1280, height: 900 });
});

t.test('maintenance from the device page marks the alert; the Alerts page lists and ends the window', async (t) => {
  await page.getByLabel('Maintenance reason').fill('battery swap');
  await page.getByRole('button', { name: 'Maintenance 1 h' }).click();
  await page.locator('[data-testid=maintenance-quick]').filter({ hasText: 'in maintenance' }).waitFor();
  t.match(await page.locator('[data-testid=maintenance-quick]').innerText(), /in maintenance[\s\S]*battery swap[\s\S]*admin1/);
  await alertItem().filter({ hasText: 'in maintenance' }).waitFor();

  await page.goto(`${BASE}/alerts`);
  await alertItem().filter({ hasText: 'in maintenance' }).waitFor();
  const w = page.locator('tr[data-maintenance]').filter({ hasText: 'ups1' });
  await w.waitFor();
  t.match(await w.innerText(), /ups1[\s\S]*battery swap[\s\S]*admin1[\s\S]*active/);
  // The form: a class for two hours, by keyboard-reachable labelled fields.
  await page.getByLabel('Put in maintenance').selectOption('class:ups');
  await page.getByLabel('From now for (hours)').fill('2');
  await page.getByLabel('Reason').fill('site visit');
  await page.getByRole('button', { name: 'Start maintenance' }).click();
  await page.locator('tr[data-maintenance]').filter({ hasText: 'site visit' }).waitFor();
  await screenshot(page, 'maintenance');

  for (const text of ['site visit', 'battery swap']) {
    await page.locator('tr[data-maintenance]').filter({ hasText: text }).getByRole('button', { name: /Delete/ }).click();
    await page.locator('tr[data-maintenance]').filter({ hasText: text }).waitFor({ state: 'detached' });
  }
  await alertItem().waitFor();
  await page.waitForFunction(() => !document.querySelector('li[data-rule="UpsChargeLow"]')?.textContent?.includes('in maintenance'));
  t.pass('ending the windows lifts the mark');
});

t.test('Reset removes the dashboard override and the alert resolves', async (t) => {
  await page.goto(`${BASE}/devices/ups1`);
  await page.click('summary >> text=Alert rules');
  await row().getByRole('button', { name: 'Edit UpsChargeLow' }).click();
  await page.getByRole('form', { name: 'Edit UpsChargeLow' }).getByRole('button', { name: 'Reset' }).click();
  await row().locator('[data-level=warn]').filter({ hasNotText: 'dashboard' }).waitFor();
  t.match(await row().locator('[data-level=warn]').innerText(), /50/);
  await alertItem().waitFor({ state: 'detached', timeout: 30_000 });
  t.pass('the alert resolved');
});

/** The order in which API requests went out and their responses came back, while `fn` runs. */
async function apiTraffic(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const path = (u: string) => new URL(u).pathname;
  const onReq = (r: { url(): string }) => path(r.url()).startsWith('/api/') && seen.push(`> ${path(r.url())}`);
  const onRes = (r: { url(): string; status(): number }) => path(r.url()).startsWith('/api/') && seen.push(`< ${path(r.url())} ${r.status()}`);
  // From a blank page, so that nothing the previous page still had in flight is counted.
  await page.goto('about:blank');
  page.on('request', onReq);
  page.on('response', onRes);
  try {
    await fn();
  } finally {
    page.off('request', onReq);
    page.off('response', onRes);
  }
  return seen;
}

t.test('a returning user: the device list is requested before /api/auth/me has answered', async (t) => {
  const seen = await apiTraffic(async () => {
    await page.goto(`${BASE}/`);
    await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/devices');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.waitForTimeout(500);
  });
  const devicesAsked = seen.indexOf('> /api/devices');
  const meAnswered = seen.indexOf('< /api/auth/me 200');
  t.ok(devicesAsked >= 0 && meAnswered >= 0 && devicesAsked < meAnswered, `both start together: ${seen.join(', ')}`);
  t.ok(seen.includes('< /api/devices 200'), 'and answered');
  t.equal(await page.locator('.error').count(), 0, 'no error shown');
});

t.test('a session that ended: one 401 each, then the login page; next visit asks for no data at all', async (t) => {
  await page.context().clearCookies();
  const stale = await apiTraffic(async () => {
    await page.goto(`${BASE}/`);
    await page.locator('input[name=username]').waitFor();
  });
  t.equal(page.url(), `${BASE}/login`);
  t.equal(await page.locator('.error').count(), 0, 'no error flashes on the login page');
  t.ok(stale.filter((e) => e === '> /api/devices').length <= 1, `at most the one early device request: ${stale.join(', ')}`);

  const fresh = await apiTraffic(async () => {
    await page.goto(`${BASE}/`);
    await page.locator('input[name=username]').waitFor();
    await page.waitForTimeout(300);
  });
  t.same(
    fresh.filter((e) => e.startsWith('>')),
    ['> /api/health', '> /api/auth/me'],
    'logged out: only health and who-am-I, as before',
  );
  t.equal(await page.locator('.error').count(), 0);
});

t.test('a tech sees the rules of a device read-only: no Edit buttons, no form', async (t) => {
  await page.fill('input[name=username]', 'tech1');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await page.goto(`${BASE}/devices/ups1`);
  await page.click('summary >> text=Alert rules');
  await row().waitFor();
  t.match(await row().locator('[data-level=warn]').innerText(), /50/, 'the levels are shown');
  t.ok((await page.locator('tr[data-rule]').count()) > 5, 'every rule is listed');
  t.equal(await page.locator('table.rules button').count(), 0, 'no Edit (or any) button in the rules table');
  t.equal(await page.getByRole('button', { name: /^Edit / }).count(), 0);
  t.equal(await page.locator('table.rules th.actions').count(), 0, 'no actions column');
  t.equal(await page.locator('form.edit-form').count(), 0);
  t.ok(await page.getByRole('button', { name: 'Maintenance 1 h' }).isVisible(), 'while a tech may still set maintenance');
});

t.test('no script errors in the page', async (t) => {
  t.same(pageErrors, []);
  t.notMatch(server.log(), /"level":50/, 'no errors in the server log');
});

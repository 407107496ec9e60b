import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSnmpsim, CLI } from '../helpers/snmpsim.js';
import { tempDir } from '../helpers/app.js';
import { launchBrowser, screenshot, startOutpost } from '../helpers/browser.js';
import { PACKAGE_ROOT } from '../../server/version.js';

/**
 * Editing alert thresholds and maintenance windows from the dashboard, in a real Chromium against the real
 * server polling the snmpsim recording of an APC Smart-UPS (battery at 100 %) every 3 s: a threshold set
 * in the UI makes the engine raise an alert, a maintenance window set in the UI marks it, and Reset makes it
 * resolve.
 */
const PORT = 19530;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'correct horse battery staple';

if (!existsSync(join(PACKAGE_ROOT, 'ui', 'dist', 'index.html'))) throw new Error('ui/dist is missing: run `npm run build:ui` first');
if (!existsSync(CLI)) throw new Error('dist/server/cli.js is missing: run `npm run build` first');

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
execFileSync(process.execPath, [CLI, 'user', 'add', 'admin1', '--role', 'admin', '--password-stdin', '--config', cfgPath], { env, input: `${PASSWORD}\n` });

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
  await page.goto(`${BASE}/devices/ups1`);
  // The UPS rules apply once the first poll has classified the device.
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

  // The same form at phone width: it stays within the screen.
  await page.setViewportSize({ width: 375, height: 812 });
  await row().getByRole('button', { name: 'Edit UpsChargeLow' }).click();
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

t.test('no script errors in the page', async (t) => {
  t.same(pageErrors, []);
  t.notMatch(server.log(), /"level":50/, 'no errors in the server log');
});

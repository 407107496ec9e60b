import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/snmpsim.js';
import { tempDir } from '../helpers/app.js';
import { launchBrowser, screenshot, startOutpost, requireBuild } from '../helpers/browser.js';

/** First run in a real browser: no user yet, the dashboard asks for the setup code from the log. */
const PORT = 19511;
const BASE = `http://127.0.0.1:${PORT}`;

requireBuild();

t.test('the first visit creates the admin with the setup code and logs in', async (t) => {
  const dir = tempDir(t, 'outpost-ui-setup-');
  const cfgPath = join(dir, 'outpost.yaml');
  writeFileSync(cfgPath, JSON.stringify({ site: { id: 'first-run' }, server: { port: PORT, host: '127.0.0.1' }, devices: [] }));
  const server = await startOutpost(t, CLI, cfgPath, { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') }, BASE);
  const code = /setup code ([0-9a-f]+)/.exec(server.log())?.[1];
  t.ok(code, 'the log names the setup code');

  const { page } = await launchBrowser(t);
  page.setDefaultTimeout(20_000);
  await page.goto(`${BASE}/devices`);
  await page.waitForURL(`${BASE}/setup`);
  await page.fill('input[name=code]', 'not-the-code');
  await page.fill('input[name=username]', 'boss');
  await page.fill('input[name=password]', 'a long enough password');
  await page.fill('input[name=confirm]', 'a long enough password');
  await page.click('button[type=submit]');
  await page.getByRole('alert').filter({ hasText: 'wrong setup code' }).waitFor();
  await screenshot(page, 'setup');
  await page.fill('input[name=code]', code!);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await page.getByRole('heading', { name: 'first-run' }).waitFor();
  const health = (await (await fetch(`${BASE}/api/health`)).json()) as { setupRequired: boolean };
  t.equal(health.setupRequired, false, 'the server has its admin');
  await page.click('nav >> text=Status');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${BASE}/login`);
});

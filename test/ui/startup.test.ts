import t from 'tap';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureSnmpsim, CLI } from '../helpers/snmpsim.js';
import { tempDir } from '../helpers/app.js';
import { launchBrowser, startOutpost, requireBuild, TEST_PASSWORD, addUser } from '../helpers/browser.js';

/**
 * What the dashboard asks for when it opens, and what it asks again when a device's class arrives. The real
 * server polls one snmpsim APC UPS every hour: first with a community snmpsim does not serve (the device stays
 * unclassified), then, after the test rewrites the config and sends SIGHUP, with the UPS recording's. So the
 * test, not the clock, decides when the device becomes a UPS.
 */
const PORT = 19540;
const BASE = `http://127.0.0.1:${PORT}`;
const STALE_PORT = 19541;
const PASSWORD = TEST_PASSWORD;

requireBuild();

const snmpPort = ensureSnmpsim();
const dir = tempDir(t, 'outpost-ui-startup-');
const cfgPath = join(dir, 'outpost.yaml');
const writeConfig = (community: string) =>
  writeFileSync(
    cfgPath,
    JSON.stringify({
      site: { id: 'startup-ui' },
      server: { port: PORT, host: '127.0.0.1' },
      credentials: { ups: { version: '2c', community } },
      defaults: { interval: '1h', timeout: '1s', retries: 0 },
      devices: [{ name: 'ups1', host: '127.0.0.1', port: snmpPort, snmp: 'ups', ping: false }],
    }),
  );
writeConfig('no_such_recording');
const env = { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') };
addUser(cfgPath, env, 'admin1', 'admin');

const server = await startOutpost(t, CLI, cfgPath, env, BASE);
const { page } = await launchBrowser(t);
page.setDefaultTimeout(30_000);
const pageErrors: string[] = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));

// After the top-level awaits: tap ends the file once its subtests are done, tearing down what started later.
t.test('startOutpost refuses a port another server already answers on, naming the port', async (t) => {
  // A stand-in for a server left over from an interrupted run: it answers /api/health like Outpost does.
  const stale = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'ok', setupRequired: false, config: { path: '/somewhere/else.yaml' } }));
  });
  await new Promise<void>((r) => stale.listen(STALE_PORT, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => stale.close(() => r())));
  const dir = tempDir(t, 'outpost-ui-stale-');
  const cfgPath = join(dir, 'outpost.yaml');
  writeFileSync(cfgPath, JSON.stringify({ site: { id: 'stale' }, server: { port: STALE_PORT, host: '127.0.0.1' }, devices: [] }));
  await t.rejects(startOutpost(t, CLI, cfgPath, { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') }, `http://127.0.0.1:${STALE_PORT}`), {
    message: new RegExp(`port ${STALE_PORT}\\b.*already in use`),
  });
});

/** The list endpoints the overview needs; SSE keeps them fresh afterwards, so each is asked once per page open. */
const COUNTED = ['/api/devices', '/api/alerts', '/api/health'] as const;
let counts: Record<string, number> = {};
page.on('request', (r) => {
  const path = new URL(r.url()).pathname;
  if ((COUNTED as readonly string[]).includes(path)) counts[path] = (counts[path] ?? 0) + 1;
});

/** Waits until the overview shows what each of the three replies carries, then a little longer for late repeats. */
async function overviewSettled(p: Page): Promise<void> {
  await p.getByRole('heading', { name: 'startup-ui' }).waitFor();
  await p.locator('[data-tile="outpost"]').filter({ hasText: /OK|Degraded/ }).waitFor();
  await p.getByText('No active alerts.').waitFor();
  await p.locator('li', { hasText: 'ups1' }).locator('.badge').waitFor();
  await p.waitForTimeout(2_000);
}

t.test('logging in opens the overview with one request each for devices, alerts and health', async (t) => {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=username]', 'admin1');
  await page.fill('input[name=password]', PASSWORD);
  counts = {};
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await overviewSettled(page);
  t.same(counts, { '/api/devices': 1, '/api/alerts': 1, '/api/health': 1 });
});

t.test('a returning user opening the overview asks once each for devices, alerts and health', async (t) => {
  counts = {};
  await page.goto(`${BASE}/`);
  await overviewSettled(page);
  t.same(counts, { '/api/devices': 1, '/api/alerts': 1, '/api/health': 1 });
});

t.test('a device page opened before classification shows the UPS rules once the class arrives, without a reload', async (t) => {
  // The failed first poll must be over: a poll still running when the reload lands would swallow the new one.
  for (let i = 0; i < 100; i++) {
    const d = await page.evaluate(() => fetch('/api/devices/ups1').then((r) => r.json() as Promise<{ lastPoll: number | null; class: string }>));
    if (d.lastPoll !== null) {
      t.equal(d.class, 'unknown', 'the first poll could not classify the device');
      break;
    }
    await page.waitForTimeout(300);
  }
  await page.goto(`${BASE}/devices/ups1`);
  await page.locator('.dev-head').filter({ hasText: 'Other ·' }).waitFor();
  await page.click('summary >> text=Alert rules');
  await page.locator('table.rules tr[data-rule]').first().waitFor();
  t.equal(await page.locator('tr[data-rule="UpsChargeLow"]').count(), 0, 'no UPS rules for an unclassified device');
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));

  writeConfig('apc_smx750i');
  server.reload();
  await page.locator('.dev-head').filter({ hasText: 'UPS ·' }).waitFor();
  await page.locator('tr[data-rule="UpsChargeLow"]').waitFor({ timeout: 15_000 });
  t.match(await page.locator('tr[data-rule="UpsChargeLow"] [data-level=warn]').innerText(), /50/, 'the default UPS warning level');
  t.equal(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker), 1, 'same document: no reload happened');
});

t.test('no script errors in the page', async (t) => {
  t.same(pageErrors, []);
});

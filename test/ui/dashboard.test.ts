import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureSnmpsim, CLI } from '../helpers/snmpsim.js';
import { tempDir } from '../helpers/app.js';
import { launchBrowser, screenshot, startOutpost, type OutpostServer, requireBuild, TEST_PASSWORD, addUser } from '../helpers/browser.js';

/**
 * The dashboard in a real Chromium against the real server (`outpost serve`) polling snmpsim recordings of
 * an APC UPS, a FortiGate, a Cisco switch and a Synology NAS every 5 s (ping every 3 s), plus a ping-only host and a device on
 * a dead port.
 */
const PORT = 19510;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = TEST_PASSWORD;

requireBuild();

const snmpPort = ensureSnmpsim();
const dir = tempDir(t, 'outpost-ui-');
const cfgPath = join(dir, 'outpost.yaml');
const snmp = (community: string) => ({ version: '2c', community });
// JSON is YAML: the config is written as JSON to keep this file free of a YAML dependency.
writeFileSync(
  cfgPath,
  JSON.stringify({
    site: { id: 'ui-test', name: 'UI test site' },
    server: { port: PORT, host: '127.0.0.1' },
    credentials: { ups: snmp('apc_smx750i'), fw: snmp('fortigate_60f'), sw: snmp('ciscosb_c1200'), nas: snmp('dsm_ds214se-dsm7') },
    // Ping every 3 s; SNMP every 5 s, because a poll is cut 1 s before its next one is due and walking the
    // NAS recording takes snmpsim more than 2 s on a busy CI machine.
    defaults: { interval: '5s', timeout: '2s', retries: 1, ping: { count: 1, interval: '3s' } },
    devices: [
      { name: 'fw1', host: '127.0.0.1', port: snmpPort, snmp: 'fw' },
      { name: 'sw1', host: '127.0.0.1', port: snmpPort, snmp: 'sw', parent: 'fw1' },
      { name: 'ups1', host: '127.0.0.1', port: snmpPort, snmp: 'ups', parent: 'sw1' },
      { name: 'nas1', host: '127.0.0.1', port: snmpPort, snmp: 'nas', parent: 'sw1' },
      { name: 'box', host: '127.0.0.1' },
      // Nothing listens on this port and ping is off: DeviceUnreachable after 3 polls.
      { name: 'dead1', host: '127.0.0.1', port: 19599, snmp: 'sw', ping: false },
    ],
    // The recording's battery charge (100 %) trips a warning "below 101 %": an alert to acknowledge.
    alerts: { rules: [{ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 101, clear: 101 }, for: '1s' }] },
  }),
);
const env = { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') };
addUser(cfgPath, env, 'tech1', 'tech');

let server: OutpostServer | undefined;
const startServer = async () => {
  server = await startOutpost(t, CLI, cfgPath, env, BASE);
};
const stopServer = async () => {
  await server?.stop();
  server = undefined;
};

await startServer();
const { page } = await launchBrowser(t);
page.setDefaultTimeout(30_000);
const pageErrors: string[] = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));

/** Pixels of a uPlot canvas that differ from transparent: a drawn line, not just an empty frame. */
async function drawnPixels(p: Page, chart: string): Promise<number> {
  return p.$eval(`[data-chart="${chart}"] canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
}

/** The UPS alert is on the page; if not, the failure says whether the server had raised it. */
async function upsAlertShown(): Promise<void> {
  await page
    .locator('[data-rule="UpsChargeLow"]')
    .first()
    .waitFor()
    .catch(async (e: Error) => {
      const active = await page.request.get(`${BASE}/api/alerts`).then((r) => r.text(), String);
      throw new Error(`${e.message}\nserver's active alerts: ${active}\nserver log (tail):\n${server?.log().slice(-4000)}`);
    });
}

t.test('an unauthenticated visit lands on the login page and logging in shows the overview', async (t) => {
  await page.goto(`${BASE}/`);
  await page.waitForURL(`${BASE}/login`);
  await screenshot(page, 'login');
  await page.fill('input[name=username]', 'tech1');
  await page.fill('input[name=password]', 'wrong password!');
  await page.click('button[type=submit]');
  await page.getByRole('alert').filter({ hasText: 'wrong user name or password' }).waitFor();
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await page.getByRole('heading', { name: 'ui-test' }).waitFor();
  t.pass('logged in');
});

t.test('the overview shows the site: class tiles, UPS values and the active alert', async (t) => {
  // Every class of the site gets its tile once the first polls classified the devices.
  for (const tile of ['firewall', 'switch', 'ups', 'nas']) {
    await page.locator(`[data-tile="${tile}"]`).filter({ hasText: /\d+\/1 OK/ }).waitFor();
  }
  t.match(await page.locator('[data-tile="ups"]').innerText(), /1\/1 OK/);
  await page.locator('[data-tile="outpost"]').filter({ hasText: 'OK' }).waitFor();
  await page.locator('[data-ups="ups1"]').filter({ hasText: '%' }).waitFor();
  await upsAlertShown();
  t.match(await page.locator('[data-rule="UpsChargeLow"]').first().innerText(), /ups1[\s\S]*since/);
  // The dead device is down, shown as such (not as OK) among the devices not OK.
  await page.locator('li', { hasText: 'dead1' }).locator('.badge.s-down').waitFor({ timeout: 40_000 });
  await screenshot(page, 'overview');
});

t.test('the devices list filters by class and by text', async (t) => {
  await page.click('nav >> text=Devices');
  await page.waitForURL(`${BASE}/devices`);
  await page.locator('[data-device]').nth(5).waitFor();
  t.equal(await page.locator('[data-device]').count(), 6);
  await page.selectOption('select >> nth=0', 'ups');
  t.same(await page.locator('[data-device]').evaluateAll((els) => els.map((e) => e.getAttribute('data-device'))), ['ups1']);
  await page.selectOption('select >> nth=0', '');
  await page.fill('input[type=search]', 'sw');
  t.same(await page.locator('[data-device]').evaluateAll((els) => els.map((e) => e.getAttribute('data-device'))), ['sw1']);
});

t.test('a device page draws charts with data points and lists ports and rules', async (t) => {
  await page.goto(`${BASE}/devices/ups1`);
  await page.locator('.identity').filter({ hasText: 'Serial' }).waitFor();
  t.match(await page.locator('.identity').innerText(), /Smart-UPS|APC/i);
  // Two polls at least, so the line has two points.
  await page.waitForFunction(() => Number(document.querySelector('[data-chart="ups"]')?.getAttribute('data-points') ?? 0) >= 2, null, { timeout: 30_000 });
  await page.locator('[data-chart="ups"] canvas').waitFor();
  t.ok((await drawnPixels(page, 'ups')) > 100, 'the UPS chart canvas has a drawn line');
  t.ok(Number(await page.getAttribute('[data-chart="rtt"]', 'data-points')) >= 1, 'the ping chart has points');
  await page.click('summary >> text=Alert rules');
  const row = page.locator('tr[data-rule="UpsChargeLow"]');
  t.match(await row.innerText(), /101[\s\S]*device/, 'the override shows its origin');
  await screenshot(page, 'device-ups1');

  await page.goto(`${BASE}/devices/sw1`);
  await page.locator('tr[data-port]').first().waitFor();
  t.ok((await page.locator('tr[data-port]').count()) >= 8, 'the switch port table lists its ports');
  await page.locator('[data-chart="traffic"]').waitFor();
  await screenshot(page, 'device-sw1');
});

t.test('acknowledging an alert shows who acknowledged it and when', async (t) => {
  await page.goto(`${BASE}/alerts`);
  const alert = page.locator('li[data-rule="UpsChargeLow"]').first();
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await alert.locator('input[name=note]').fill('battery ordered');
  await alert.locator('form').getByRole('button', { name: 'Acknowledge' }).click();
  await alert.locator('[data-testid=ack]').waitFor();
  t.match(await alert.locator('[data-testid=ack]').innerText(), /Acknowledged by tech1 (\d+s ago|just now)[\s\S]*battery ordered/);
  // The server kept it: a fresh load shows the same.
  await page.reload();
  await page.locator('li[data-rule="UpsChargeLow"] [data-testid=ack]').first().waitFor();
  await page.locator('table tr.ev-acknowledged').first().waitFor();
  t.match(await page.locator('table tr.ev-acknowledged').first().innerText(), /tech1/);
  await screenshot(page, 'alerts');
});

t.test('SSE updates values on the device page without a reload', async (t) => {
  await page.goto(`${BASE}/devices/fw1`);
  const cell = page.locator('[data-field="availability.poll_ms"]').first();
  await cell.waitFor();
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  const before = await cell.innerText();
  await page.waitForFunction((b) => document.querySelector('[data-field="availability.poll_ms"]')?.textContent !== b, before, { timeout: 20_000 });
  t.equal(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker), 1, 'same document: no reload happened');
});

t.test('the 375 px wide overview fits the screen and works by keyboard', async (t) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${BASE}/`);
  await page.locator('[data-tile="ups"]').filter({ hasText: 'OK' }).waitFor();
  await upsAlertShown();
  t.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 375, 'no horizontal scrolling');
  await screenshot(page, 'overview-375');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'overview-375-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // Keyboard: Tab reaches the navigation, Enter follows it.
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === 'Devices') break;
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(`${BASE}/devices`);
  await page.setViewportSize({ width: 1280, height: 900 });
});

t.test('a lost event stream shows a banner and recovers when the server is back', async (t) => {
  await page.goto(`${BASE}/`);
  await page.locator('[data-tile="ups"]').waitFor();
  await stopServer();
  await page.locator('[data-testid=disconnected]').waitFor({ timeout: 20_000 });
  await startServer();
  await page.locator('[data-testid=disconnected]').waitFor({ state: 'detached', timeout: 40_000 });
  t.pass('banner came and went');
});

t.test('no script errors in the page', async (t) => {
  t.same(pageErrors, []);
});

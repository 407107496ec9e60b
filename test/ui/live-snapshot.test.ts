import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureSnmpsim, CLI } from '../helpers/snmpsim.js';
import { tempDir } from '../helpers/app.js';
import { launchBrowser, startOutpost, requireBuild, TEST_PASSWORD, addUser } from '../helpers/browser.js';

/**
 * The alert list a page fetches and the live stream must add up: an alert change published while the list is
 * in flight, or before the stream has connected, must still show (ui/src/lib/snapshot.ts). The real server
 * polls one snmpsim APC UPS whose battery charge (100 %) trips a "below 101 %" warning; the test changes that
 * alert (acknowledge, silence) through the API at the moment the page cannot hear it.
 */
const PORT = 19550;
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = TEST_PASSWORD;

requireBuild();

const snmpPort = ensureSnmpsim();
const dir = tempDir(t, 'outpost-ui-live-');
const cfgPath = join(dir, 'outpost.yaml');
writeFileSync(
  cfgPath,
  JSON.stringify({
    site: { id: 'live-ui' },
    server: { port: PORT, host: '127.0.0.1' },
    credentials: { ups: { version: '2c', community: 'apc_smx750i' } },
    defaults: { interval: '3s', timeout: '2s', retries: 1 },
    devices: [{ name: 'ups1', host: '127.0.0.1', port: snmpPort, snmp: 'ups', ping: false }],
    alerts: { rules: [{ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 101, clear: 101 }, for: '1s' }] },
  }),
);
const env = { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') };
addUser(cfgPath, env, 'admin1', 'admin');

await startOutpost(t, CLI, cfgPath, env, BASE);
const { context, page } = await launchBrowser(t);
page.setDefaultTimeout(30_000);
const pageErrors: string[] = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));

/** The API, as the logged-in browser (its session cookie), from the page's own origin. */
async function post(path: string, body: unknown): Promise<void> {
  const res = await context.request.post(`${BASE}${path}`, { data: body, headers: { origin: BASE } });
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
}

/**
 * A listener of the test's own in the page (a second EventSource next to the app's), connected when this
 * resolves; the function it returns resolves once an `alertChanged` of `type` went out on the stream.
 */
async function listen(p: Page, type: string): Promise<() => Promise<void>> {
  await p.evaluate(
    (type) =>
      new Promise<void>((connected) => {
        const es = new EventSource('/api/events');
        (window as unknown as { saw: Promise<void> }).saw = new Promise<void>((resolve) =>
          es.addEventListener('alertChanged', (ev) => {
            if (JSON.parse((ev as MessageEvent<string>).data).type !== type) return;
            es.close();
            resolve();
          }),
        );
        es.addEventListener('hello', () => connected());
      }),
    type,
  );
  return () => p.evaluate(() => (window as unknown as { saw: Promise<void> }).saw);
}

let alertId = '';

t.test('log in and wait for the UPS alert', async (t) => {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name=username]', 'admin1');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/`);
  await page.locator('[data-rule="UpsChargeLow"]').waitFor();
  alertId = (await page.locator('[data-rule="UpsChargeLow"]').getAttribute('data-alert')) ?? '';
  t.match(alertId, /\S/, 'the alert item names its id');
});

t.test('an acknowledgement published while the alert list is in flight is not overwritten by the list', async (t) => {
  let hold: Promise<void> = Promise.resolve();
  // The next /api/alerts is answered with the list as it was before the acknowledgement; the acknowledgement's
  // event reaches the page while that answer is held back.
  await page.route('**/api/alerts', async (route) => {
    const before = await route.fetch();
    hold = (async () => {
      const saw = await listen(page, 'acknowledged');
      await post(`/api/alerts/${encodeURIComponent(alertId)}/ack`, { note: 'in flight' });
      await saw();
    })();
    await hold;
    await route.fulfill({ response: before });
  });
  t.teardown(() => page.unroute('**/api/alerts'));
  const answered = page.waitForResponse((r) => r.url() === `${BASE}/api/alerts`);
  await page.click('nav >> text=Alerts');
  await page.waitForURL(`${BASE}/alerts`);
  await answered;
  // The event alone would show the acknowledgement until the held-back list lands and hides it again: give
  // the page time to apply the list before looking (more time can only make this test stricter).
  await page.waitForTimeout(1000);
  const ack = page.locator(`#main section:has(#active-h) [data-alert="${alertId}"] [data-testid="ack"]`);
  const shown = await ack.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  t.equal(shown.length, 1, 'the active alert shows its acknowledgement');
  t.match(shown.join(''), /admin1[\s\S]*in flight/);
  t.equal(await page.locator('tr.ev-acknowledged').count(), 1, 'and the history lists it once');
});

t.test('a change published before the stream connected is fetched once it connects', async (t) => {
  const page2 = await context.newPage();
  t.teardown(() => page2.close());
  page2.on('pageerror', (e) => pageErrors.push(String(e)));
  // No stream at first: the page loads the alert list, then the alert is silenced while nothing listens.
  await page2.route('**/api/events', (route) => route.abort());
  const listed = page2.waitForResponse((r) => r.url() === `${BASE}/api/alerts` && r.ok());
  await page2.goto(`${BASE}/`);
  await listed;
  await page2.locator(`[data-alert="${alertId}"]`).waitFor();
  t.equal(await page2.locator(`[data-alert="${alertId}"]`).filter({ hasText: 'Silenced until' }).count(), 0, 'not silenced yet');
  await post(`/api/alerts/${encodeURIComponent(alertId)}/silence`, { until: Date.now() + 3_600_000 });
  await page2.unroute('**/api/events');
  // The stream connects on its own retry; its hello shows an alert event after the list's stamp.
  await page2.locator(`[data-alert="${alertId}"]`).filter({ hasText: 'Silenced until' }).waitFor();
  t.pass('the silence shows without a reload');
});

t.test('no script errors in the pages', async (t) => {
  t.same(pageErrors, []);
});

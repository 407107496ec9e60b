import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWithReports } from '../server/reports/app-with-reports.js';
import { base, seed } from '../server/reports/seed.js';
import { login, tempDir } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { PACKAGE_ROOT } from '../../server/version.js';

const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts', 'reports');

t.test('the SLA page renders in Chromium with the figures, loads nothing else, and prints on A4', async (t) => {
  const app = await buildWithReports(t, base);
  seed(app);
  const cookie = await login(app, 'viewer');
  const res = await app.inject({ url: '/api/reports/sla?month=2026-09&format=html', headers: { cookie } });
  t.equal(res.statusCode, 200);
  const file = join(tempDir(t), 'sla.html');
  writeFileSync(file, res.body);

  const { page } = await launchBrowser(t, { width: 794, height: 1123 });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
  t.same(requests, [`file://${file}`], 'self-contained: no other request');

  const text = await page.locator('body').innerText();
  t.match(text, 'Availability report — Acme <Dental>');
  t.match(text, 'September 2026');
  const row = async (device: string) => (await page.locator('table').nth(1).locator('tr', { hasText: device }).first().innerText()).replace(/\s+/g, ' ');
  t.match(await row('fw1'), /fw1 firewall 99\.722 % 2h 00m/);
  t.match(await row('sw1'), /sw1 switch fw1 99\.582 % 3h 00m 2h 00m 2h 00m/);
  t.match(await row('ups1'), /ups1 ups sw1 99\.720 % 2h 00m 2h 00m – 6h 00m 99\.2 %/);
  t.match(text, /parent down — attributed to fw1/);
  t.match(text, /maintenance \(planned\)/);
  const site = await page.locator('.card b').first().innerText();
  t.equal(site, '99.675 %', 'site uptime card');

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'sla-2026-09.png'), fullPage: true });
  const pdf = await page.pdf({ path: join(ARTIFACTS, 'sla-2026-09.pdf'), format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  t.ok(pages >= 1 && pages <= 3, `prints on ${pages} A4 page(s)`);
  // Nothing wider than the printable A4 width (210 mm − 2 × 12 mm margins ≈ 703 CSS px).
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 703, height: 1000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(overflow <= 703, `print layout fits the A4 width (${overflow}px)`);
});

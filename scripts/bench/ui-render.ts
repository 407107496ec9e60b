import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { BenchSite } from './ui-site.js';

const CHROMIUM = process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium';
/** As in test/helpers/browser.ts: nothing but the page under test talks to the network. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export interface RenderResult {
  runs: number;
  /** Navigation start → device list painted (median ms), Outpost's /devices and the static-table anchor. */
  outpostLoadMs: number;
  anchorLoadMs: number;
  /** Click on the Devices link (from the overview, list already in memory) → painted. */
  outpostSpaMs: number;
  /** Keystroke (keydown event time) → filtered list painted, median over every keystroke of every run. */
  outpostKeyMs: number;
  anchorKeyMs: number;
  keystrokes: number;
  /** Rows in the DOM when Outpost's list was painted (it is windowed) and in the anchor (all of them). */
  outpostRows: number;
  anchorRows: number;
  /** Navigation start → /api/devices reply received (median ms): the rest of the load time is boot + render. */
  outpostDataMs: number;
  anchorDataMs: number;
  loadSamples: { outpost: number[]; anchor: number[]; spa: number[]; outpostData: number[]; anchorData: number[] };
}

/**
 * The browser's floor for "show these devices", run instead of the page when the URL is the anchor's: it
 * fetches the same /api/devices and writes every row into a plain table with one innerHTML, and on each
 * keystroke rewrites it with the matching rows. The document itself is /api/health (a small reply of the
 * same server, same origin, no request interception); the markup hooks are the dashboard's (h1 .count,
 * [data-device], input[type=search]) so one probe times both.
 */
function anchorPage(): void {
  if (location.search !== ANCHOR_QUERY) return;
  const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  type Row = { name: string; host: string; class: string; state: string; vendor?: string; model?: string; lastOk: number | null; lastError: string | null };
  let all: Row[] = [];
  const show = (list: Row[]) => {
    document.querySelector('.count')!.textContent = String(list.length);
    document.getElementById('rows')!.innerHTML = list
      .map(
        (d) =>
          `<tr data-device="${esc(d.name)}"><td>${esc(d.state)}</td><td>${esc(d.name)}</td><td>${esc(d.class)}</td><td>${esc([d.vendor, d.model].filter(Boolean).join(' '))}</td><td>${esc(d.host)}</td><td>${esc(d.lastError ?? new Date(d.lastOk ?? 0).toISOString())}</td></tr>`,
      )
      .join('');
  };
  const data = fetch('/api/devices').then((r) => r.json() as Promise<Row[]>);
  document.addEventListener('DOMContentLoaded', () => {
    document.body.innerHTML = '<h1>Devices <span class="count"></span></h1><input type="search"><table><tbody id="rows"></tbody></table>';
    const input = document.querySelector('input')!;
    input.addEventListener('input', () => {
      const n = input.value.trim().toLowerCase();
      show(n ? all.filter((d) => d.name.toLowerCase().includes(n) || d.host.includes(n) || (d.model ?? '').toLowerCase().includes(n) || (d.vendor ?? '').toLowerCase().includes(n)) : all);
    });
    void data.then((list) => {
      all = list.sort((a, b) => a.name.localeCompare(b.name));
      show(all);
    });
  });
}
const ANCHOR_QUERY = '?bench-anchor';

declare global {
  interface Window {
    __benchPainted?: Promise<{ at: number; rows: number }>;
    __benchKeys?: number[];
  }
}

/**
 * Runs in every document before its scripts: resolves once the list header shows `want` devices and rows
 * exist, after two animation frames (the frame holding the rows has been painted). performance.now() counts
 * from navigation start.
 */
function paintedProbe(want: number): void {
  window.__benchPainted = new Promise((resolve) => {
    const check = () => {
      const count = document.querySelector('h1 .count')?.textContent?.trim();
      const rows = document.querySelectorAll('[data-device]').length;
      if (count !== String(want) || rows === 0) return;
      obs.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({ at: performance.now(), rows })));
    };
    const obs = new MutationObserver(check);
    obs.observe(document, { subtree: true, childList: true, characterData: true });
  });
}

/** Keystroke timing on the search field: keydown's event time → the second frame after the input event. */
function keyProbe(): void {
  const input = document.querySelector<HTMLInputElement>('input[type=search]');
  if (!input) throw new Error('no search field');
  window.__benchKeys = [];
  let down = 0;
  input.addEventListener('keydown', (e) => (down = e.timeStamp));
  // Registered after the page's own input handler, so the page has updated its state when this runs.
  input.addEventListener('input', () => {
    const t = down;
    requestAnimationFrame(() => requestAnimationFrame(() => window.__benchKeys!.push(performance.now() - t)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Type `text` then delete it, one key at a time, each after the previous one was painted. */
async function typeAndClear(page: Page, text: string): Promise<number[]> {
  await page.evaluate(keyProbe);
  await page.focus('input[type=search]');
  const keys = [...text.split(''), ...text.split('').map(() => 'Backspace')];
  for (let i = 0; i < keys.length; i++) {
    await page.keyboard.press(keys[i]!);
    await page.waitForFunction((n) => (window.__benchKeys?.length ?? 0) > n, i);
  }
  return page.evaluate(() => window.__benchKeys!);
}

/** One cold load: painted time, and when the /api/devices reply had arrived (both from navigation start). */
async function loadOnce(page: Page, url: string): Promise<{ at: number; rows: number; dataAt: number }> {
  await page.goto(url, { waitUntil: 'commit' });
  const p = await page.evaluate(() => window.__benchPainted!);
  const dataAt = await page.evaluate(() => {
    const e = performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname === '/api/devices') as PerformanceResourceTiming[];
    return e.length ? Math.min(...e.map((r) => r.responseEnd)) : NaN;
  });
  return { ...p, dataAt };
}

/**
 * The dashboard's device list in Chromium against the real server, `runs` times, alternating with the
 * static-table anchor in the same browser so both see the same machine load.
 */
export async function measureRender(site: BenchSite, opts: { runs: number; filter?: string }): Promise<RenderResult> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set OUTPOST_CHROMIUM)`);
  const profile = mkdtempSync(join(tmpdir(), 'outpost-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${site.base}/login`);
    await page.fill('input[name=username]', site.username);
    await page.fill('input[name=password]', site.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${site.base}/`);
    await page.addInitScript(paintedProbe, site.devices);
    await page.addInitScript(`{ const ANCHOR_QUERY = ${JSON.stringify(ANCHOR_QUERY)}; (${anchorPage.toString()})(); }`);

    const filter = opts.filter ?? 'ap-01';
    const s = { outpost: [] as number[], anchor: [] as number[], spa: [] as number[], outpostData: [] as number[], anchorData: [] as number[] };
    const keys = { outpost: [] as number[], anchor: [] as number[] };
    let rows = { outpost: 0, anchor: 0 };
    // One warm-up of each (Chromium compiles the bundle, the server warms its statements), not counted.
    for (let r = -1; r < opts.runs; r++) {
      const o = await loadOnce(page, `${site.base}/devices`);
      const ok = await typeAndClear(page, filter);
      const a = await loadOnce(page, `${site.base}/api/health${ANCHOR_QUERY}`);
      const ak = await typeAndClear(page, filter);
      // Within the app: the overview (which loads the list), then a click on the Devices link.
      await page.goto(`${site.base}/`);
      await page.locator('[data-tile]').first().waitFor();
      const spa = await page.evaluate(async (want) => {
        await new Promise((r) => setTimeout(r, 300));
        const link = [...document.querySelectorAll<HTMLAnchorElement>('nav a')].find((l) => l.getAttribute('href') === '/devices');
        if (!link) throw new Error('no Devices link in the nav');
        const t0 = performance.now();
        link.click();
        return new Promise<number>((resolve) => {
          const check = () => {
            const count = document.querySelector('h1 .count')?.textContent?.trim();
            if (count !== String(want) || document.querySelectorAll('[data-device]').length === 0) return;
            obs.disconnect();
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
          };
          const obs = new MutationObserver(check);
          obs.observe(document, { subtree: true, childList: true, characterData: true });
          check();
        });
      }, site.devices);
      if (r < 0) continue;
      s.outpost.push(o.at);
      s.anchor.push(a.at);
      s.spa.push(spa);
      s.outpostData.push(o.dataAt);
      s.anchorData.push(a.dataAt);
      keys.outpost.push(...ok);
      keys.anchor.push(...ak);
      rows = { outpost: o.rows, anchor: a.rows };
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return {
      runs: opts.runs,
      outpostLoadMs: median(s.outpost),
      anchorLoadMs: median(s.anchor),
      outpostSpaMs: median(s.spa),
      outpostKeyMs: median(keys.outpost),
      anchorKeyMs: median(keys.anchor),
      keystrokes: keys.outpost.length,
      outpostRows: rows.outpost,
      anchorRows: rows.anchor,
      outpostDataMs: median(s.outpostData),
      anchorDataMs: median(s.anchorData),
      loadSamples: s,
    };
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

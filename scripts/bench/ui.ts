import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../../server/version.js';
import { fmt, type BenchCaseResult, type BenchRow } from './common.js';
import { startBenchSite } from './ui-site.js';
import { measureRender } from './ui-render.js';
import { wrk, wrkAvailable, type WrkResult } from './ui-api.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Gzipped JS + CSS the browser downloads, against the same files uncompressed. */
export function benchUi(dir = join(PACKAGE_ROOT, 'ui', 'dist')): BenchCaseResult {
  if (!existsSync(dir)) {
    return { rows: [{ case: 'UI', metric: 'gzipped JS+CSS', outpost: 'not built', anchor: 'ui/dist missing', anchorValue: '' }], detail: { built: false } };
  }
  let raw = 0;
  let gz = 0;
  const assets = files(dir).filter((f) => /\.(js|mjs|css)$/.test(f));
  for (const f of assets) {
    const b = readFileSync(f);
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  return {
    rows: [{ case: 'UI', metric: 'gzipped JS+CSS kB', outpost: gz / 1024, anchor: 'same files uncompressed kB', anchorValue: raw / 1024, ratio: gz / raw, note: `${assets.length} files` }],
    detail: { built: true, files: assets.length, rawBytes: raw, gzipBytes: gz },
  };
}

export interface UiLiveOptions {
  devices: number;
  port: number;
  /** snmpsim port: four of the devices are SNMP devices on its recordings. */
  snmpPort?: number;
  renderRuns: number;
  wrkSeconds: number;
  wrkConnections?: number;
}

/**
 * The dashboard and its API on a real `outpost serve` watching `devices` devices: the device list's render and
 * filter time in Chromium against a static table of the same rows, and the overview's API p99 under 50
 * clients against /api/health on the same server in the same run.
 */
export async function benchUiLive(o: UiLiveOptions): Promise<BenchCaseResult> {
  if (!wrkAvailable()) throw new Error('wrk is not installed: apt-get install -y wrk');
  const site = await startBenchSite({ devices: o.devices, port: o.port, snmpPort: o.snmpPort });
  try {
    const render = await measureRender(site, { runs: o.renderRuns });
    const w = { base: site.base, token: site.token, serverPid: site.pid, connections: o.wrkConnections ?? 50, seconds: o.wrkSeconds };
    // The overview page reads /api/devices (the big one), /api/health and /api/alerts. The anchor is the cheapest
    // authenticated route (token check + a tiny reply): /api/health is no floor, it reads every device too. A
    // short unmeasured run of each warms the JIT; then two rounds, anchor first in each, so a load change on
    // this shared machine hits both sides; the figures are the mean of the two rounds.
    const paths = ['/api/auth/me', '/api/devices', '/api/health', '/api/alerts'] as const;
    type ApiPath = (typeof paths)[number];
    for (const path of paths) await wrk({ ...w, path, seconds: Math.min(2, o.wrkSeconds) });
    const rounds: Array<Record<ApiPath, WrkResult>> = [];
    for (let r = 0; r < 2; r++) {
      const one = {} as Record<ApiPath, WrkResult>;
      for (const path of paths) one[path] = await wrk({ ...w, path });
      rounds.push(one);
    }
    const mean = (path: ApiPath, k: 'p50Ms' | 'p99Ms' | 'reqPerSec' | 'cpuMsPerReq') => rounds.reduce((a, r) => a + r[path][k], 0) / rounds.length;
    const api = (path: ApiPath) => ({ p50Ms: mean(path, 'p50Ms'), p99Ms: mean(path, 'p99Ms'), reqPerSec: mean(path, 'reqPerSec'), cpuMsPerReq: mean(path, 'cpuMsPerReq') });
    const me = api('/api/auth/me');
    const apiRow = (path: ApiPath, metric: string, what: string): BenchRow => {
      const x = api(path);
      return {
        case: 'API',
        metric,
        outpost: x.p99Ms,
        anchor: '/api/auth/me p99 same run',
        anchorValue: me.p99Ms,
        ratio: x.p99Ms / me.p99Ms,
        note: `GET ${path} (${what}): p50 ${fmt(x.p50Ms)} ms, ${fmt(x.reqPerSec)} req/s vs ${fmt(me.reqPerSec)}, server CPU ${fmt(x.cpuMsPerReq)} ms/req vs ${fmt(me.cpuMsPerReq)}`,
      };
    };
    const n = `${site.devices} devices`;
    const rows: BenchRow[] = [
      {
        case: 'UI',
        metric: `render ${n} list ms (Chromium)`,
        outpost: render.outpostLoadMs,
        anchor: 'static HTML table, same rows',
        anchorValue: render.anchorLoadMs,
        ratio: render.outpostLoadMs / render.anchorLoadMs,
        note: `navigation start → list painted, median of ${render.runs}; windowed list: ${render.outpostRows} rows in the DOM vs ${render.anchorRows} in the anchor; list data received at ${fmt(render.outpostDataMs)} vs ${fmt(render.anchorDataMs)} ms; SPA click from the overview (list in memory) ${fmt(render.outpostSpaMs)} ms`,
      },
      {
        case: 'UI',
        metric: 'filter keystroke → painted ms',
        outpost: render.outpostKeyMs,
        anchor: 'static table re-rendered with the matches',
        anchorValue: render.anchorKeyMs,
        ratio: render.outpostKeyMs / render.anchorKeyMs,
        note: `median of ${render.keystrokes} keystrokes over ${n}`,
      },
      apiRow('/api/devices', `overview p99 ms, ${w.connections} clients`, `device list, ${n}`),
      apiRow('/api/health', `health p99 ms, ${w.connections} clients`, 'the overview reads it too'),
      apiRow('/api/alerts', `alerts p99 ms, ${w.connections} clients`, 'the overview reads it too'),
    ];
    return { rows, detail: { devices: site.devices, settledS: site.settledS, render, wrk: rounds } };
  } finally {
    await site.stop();
  }
}

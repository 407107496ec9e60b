import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSnmpsim } from '../helpers/snmpsim.js';
import { benchSnmp } from '../../scripts/bench/snmp.js';
import { benchPing } from '../../scripts/bench/ping.js';
import { benchScale } from '../../scripts/bench/scale.js';
import { benchAlerts } from '../../scripts/bench/alerts.js';
import { benchUi, benchUiLive } from '../../scripts/bench/ui.js';
import { benchInflux } from '../../scripts/bench/influx.js';
import { exporterConfig } from '../../scripts/bench/snmp-exporter.js';
import { markdownTable } from '../../scripts/bench/report.js';
import { parseBenchArgs } from '../../scripts/bench/run.js';
import type { BenchRow } from '../../scripts/bench/common.js';

// A tiny run of every bench case: each one must produce its rows from real measurements. No timing assertions
// (a shared 2-core machine); the bench itself is `npm run bench`. Children run from dist/ (npm test builds).

/** Rows whose figures are not finite, non-negative numbers (a broken measurement shows up as NaN or ≤ 0). */
const broken = (rows: BenchRow[]) =>
  rows
    .filter((r) => (typeof r.outpost === 'number' && !(Number.isFinite(r.outpost) && r.outpost >= 0)) || (r.ratio !== undefined && !(Number.isFinite(r.ratio) && r.ratio > 0)))
    .map((r) => `${r.case} ${r.metric}: ${r.outpost} / ratio ${r.ratio}`);

t.test('snmp: Outpost, snmp_exporter and snmpbulkwalk all walk the device and are counted', async (t) => {
  const port = ensureSnmpsim();
  const r = await benchSnmp({ snmpPort: port, exporterPort: 19701, rounds: 1, recordings: ['procurve_nac'] });
  const d = r.detail as { outpost: { varbinds: number; cpuSeconds: number }; exporter: { samples: number }; snmpbulkwalk: { varbinds: number } };
  t.ok(d.outpost.varbinds > 100, `Outpost received ${d.outpost.varbinds} varbinds`);
  t.ok(d.snmpbulkwalk.varbinds > 100, `snmpbulkwalk printed ${d.snmpbulkwalk.varbinds} varbinds`);
  // Every exporter sample is a walked varbind; the walk also returns columns no metric maps.
  t.ok(d.exporter.samples > 100 && d.exporter.samples <= d.snmpbulkwalk.varbinds, `exporter gave ${d.exporter.samples} samples`);
  t.equal(r.rows.length, 2);
  t.same(broken(r.rows), []);
});

t.test('snmp_exporter config: 0.21 layout, auth inside each module', async (t) => {
  const y = exporterConfig(['a', 'b']);
  t.match(y, /^a:\n {2}walk:/m);
  t.match(y, /auth:\n\s+community: b/);
  t.notMatch(y, /^modules:/m);
  t.notMatch(y, /[&*]a\d/, 'no YAML aliases');
});

t.test('ping: pingHosts vs fping on loopback', async (t) => {
  // Big enough that fping alone uses more than one clock tick of CPU (a 0 anchor makes the ratio infinite).
  const r = await benchPing({ hosts: 300, count: 2, reps: 1, cycles: 1 });
  t.equal(r.rows.length, 2, 'after the first cycle, and the first');
  t.equal(r.rows[0]!.case, 'Ping');
  t.same(broken(r.rows), []);
});

t.test('scale: the appliance (HTTP + Runtime) polls every simulated device through the replay front', async (t) => {
  const r = await benchScale({ devices: 5, minutes: 0.2, intervalMs: 3000, simulators: 1, basePort: 19790 });
  const d = r.detail as {
    polls: number;
    minPolls: number;
    pollsFailed: number;
    peakRssBytes: number;
    httpPort: number;
    memory: Array<{ stage: string; rssBytes: number }>;
    replay: { requests: number; hits: number; misses: number; coalesced: number; udpDrops: number } | null;
    storeDevicePolls: number;
    pollMsBuckets: { le1s: number; le5s: number; le10s: number; gt10s: number };
    udpDrops: number;
    snmpsimUdpDrops: number;
    rollupTables: Record<'points_5m' | 'points_1h', { rows: number; series: number; bytes: number }>;
  };
  t.ok(d.minPolls >= 1, `every device polled at least once after warm-up (min ${d.minPolls})`);
  t.equal(d.pollsFailed, 0, 'no failed polls');
  t.ok(d.peakRssBytes > 10 * 1024 * 1024, 'peak RSS read from /proc');
  t.ok(d.httpPort > 0, 'the HTTP server listened');
  t.same(d.memory.map((m) => m.stage), ['node started', 'modules loaded', 'app registered', 'listening', 'end of polling']);
  t.ok(d.replay && d.replay.hits > 0 && d.replay.hits + d.replay.misses + d.replay.coalesced === d.replay.requests, `replay answered repeats (${JSON.stringify(d.replay)})`);
  const b = d.pollMsBuckets;
  t.equal(b.le1s + b.le5s + b.le10s + b.gt10s, d.polls, 'every poll in one duration bucket');
  // Kernel drops read per process from /proc/net/udp: a number at each side (0 on an idle machine).
  t.ok([d.udpDrops, d.replay?.udpDrops, d.snmpsimUdpDrops].every((x) => Number.isInteger(x) && x! >= 0), 'UDP drops sampled at Outpost, the replay front and snmpsim');
  t.ok(d.storeDevicePolls > 0, 'store growth is per device-poll');
  for (const [name, tb] of Object.entries(d.rollupTables)) t.ok(tb.series > 0 && tb.rows >= tb.series && tb.bytes > 0, `${name} sized after the open buckets were written (${JSON.stringify(tb)})`);
  t.equal(r.rows.length, 4);

  await t.test('UdpDropSampler counts datagrams the kernel dropped at a full receive buffer', async (t) => {
    const { createSocket } = await import('node:dgram');
    const { UdpDropSampler } = await import('../../scripts/bench/scale-udp.js');
    const rx = createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    rx.setRecvBufferSize(4096);
    const tx = createSocket('udp4');
    const sampler = new UdpDropSampler('self', 60_000);
    // 500 sends before the event loop gets to read: a 4 KB buffer holds a few, the kernel drops the rest.
    for (let i = 0; i < 500; i++) tx.send(Buffer.alloc(500), rx.address().port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    const drops = sampler.stop();
    rx.close();
    tx.close();
    t.ok(drops > 100 && drops < 500, `${drops} of 500 dropped`);
  });
});

t.test('writes: benchInflux starts its own influxd (through scripts/start-influxd.sh) and measures both writers', async (t) => {
  const r = await benchInflux({ points: 2000, batchSize: 500, pointsPerPoll: 50 });
  t.equal(r.points, 2000);
  t.ok(r.ratio > 0 && Number.isFinite(r.ratio));
  t.ok(r.outpost.enqueueSeconds > 0 && r.outpost.enqueueSeconds <= r.outpost.seconds, 'enqueue time is part of the Outpost time');
});

t.test('alerts: every outage fires; firing → webhook delivery and its anchor measured', async (t) => {
  const r = await benchAlerts({ devices: 5, rounds: 1, deliveries: 5 });
  const d = r.detail as { outages: number; delivery: { alerts: number; outpost: { medianMs: number }; bare: { medianMs: number } } };
  t.equal(d.outages, 5);
  t.equal(d.delivery.alerts, 5, 'each firing event delivered to the receiver');
  t.ok(d.delivery.outpost.medianMs > 0 && d.delivery.bare.medianMs > 0);
  t.same(r.rows.map((x) => x.metric), ['state change → firing event (ms)', 'firing → webhook delivered, median (ms)', 'firing → webhook delivered, p95 (ms)']);
  t.same(broken(r.rows), []);
});

t.test('ui: gzipped size of a built bundle, "not built" without one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-ui-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("x");\n'.repeat(500));
  writeFileSync(join(dir, 'assets', 'app.css'), 'body{margin:0}\n'.repeat(100));
  writeFileSync(join(dir, 'index.html'), '<html></html>');
  const r = benchUi(dir);
  const d = r.detail as { files: number; gzipBytes: number; rawBytes: number };
  t.equal(d.files, 2);
  t.ok(d.gzipBytes < d.rawBytes);
  t.equal(benchUi(join(dir, 'missing')).rows[0]!.outpost, 'not built');
});

t.test('ui: a real server with 20 devices, its list in Chromium and its API under wrk', async (t) => {
  const r = await benchUiLive({ devices: 20, port: 19541, snmpPort: ensureSnmpsim(), renderRuns: 1, wrkSeconds: 2 });
  t.same(
    r.rows.map((x) => x.metric),
    ['render 20 devices list ms (Chromium)', 'filter keystroke → painted ms', 'overview p99 ms, 50 clients', 'health p99 ms, 50 clients', 'alerts p99 ms, 50 clients'],
  );
  for (const row of r.rows) t.ok(typeof row.outpost === 'number' && row.outpost > 0 && typeof row.anchorValue === 'number' && row.anchorValue > 0, `${row.metric}: ${row.outpost} vs ${row.anchorValue}`);
  t.same(broken(r.rows), []);
  const d = r.detail as { render: { outpostRows: number; anchorRows: number; keystrokes: number } };
  t.equal(d.render.anchorRows, 20, 'the anchor table holds every device');
  t.ok(d.render.outpostRows > 0 && d.render.keystrokes > 0);
});

t.test('table and arguments', async (t) => {
  const md = markdownTable([{ case: 'X', metric: 'm', outpost: 2, anchor: 'a', anchorValue: 1, ratio: 2, goal: '≤ 1.0×', met: false }]);
  t.match(md, /\| X \| m \| 2 \| a \| 1 \| 2× \| ≤ 1\.0× \| \*\*no\*\* \|/);
  const p = parseBenchArgs(['--scale-devices', '5', '--scale-minutes', '0.1', '--only', 'scale']);
  t.same([p.scaleDevices, p.scaleMinutes, p.only], [5, 0.1, ['scale']]);
  t.throws(() => parseBenchArgs(['--only', 'nope']), /unknown case "nope"/);
  t.throws(() => parseBenchArgs(['--scale-devices', 'many']), /--scale-devices must be a number/);
});

import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSnmpsim } from '../helpers/snmpsim.js';
import { benchSnmp } from '../../scripts/bench/snmp.js';
import { benchPing } from '../../scripts/bench/ping.js';
import { benchScale } from '../../scripts/bench/scale.js';
import { benchAlerts } from '../../scripts/bench/alerts.js';
import { benchUi } from '../../scripts/bench/ui.js';
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
  const r = await benchPing({ hosts: 300, count: 2, reps: 1 });
  t.equal(r.rows[0]!.case, 'Ping');
  t.same(broken(r.rows), []);
});

t.test('scale: a real Runtime polls every simulated device', async (t) => {
  const r = await benchScale({ devices: 5, minutes: 0.2, intervalMs: 3000, simulators: 1, basePort: 19790 });
  const d = r.detail as { polls: number; minPolls: number; pollsFailed: number; peakRssBytes: number };
  t.ok(d.minPolls >= 1, `every device polled at least once (min ${d.minPolls})`);
  t.equal(d.pollsFailed, 0, 'no failed polls');
  t.ok(d.peakRssBytes > 10 * 1024 * 1024, 'peak RSS read from /proc');
  t.equal(r.rows.length, 4);
});

t.test('writes: benchInflux runs against a private influxd', async (t) => {
  const r = await benchInflux({ points: 2000, batchSize: 500, pointsPerPoll: 50 });
  t.equal(r.points, 2000);
  t.ok(r.ratio > 0 && Number.isFinite(r.ratio));
});

t.test('alerts: every outage fires, latency measured', async (t) => {
  const r = await benchAlerts({ devices: 5, rounds: 1 });
  t.equal((r.detail as { outages: number }).outages, 5);
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

t.test('table and arguments', async (t) => {
  const md = markdownTable([{ case: 'X', metric: 'm', outpost: 2, anchor: 'a', anchorValue: 1, ratio: 2, goal: '≤ 1.0×', met: false }]);
  t.match(md, /\| X \| m \| 2 \| a \| 1 \| 2× \| ≤ 1\.0× \| \*\*no\*\* \|/);
  const p = parseBenchArgs(['--scale-devices', '5', '--scale-minutes', '0.1', '--only', 'scale']);
  t.same([p.scaleDevices, p.scaleMinutes, p.only], [5, 0.1, ['scale']]);
  t.throws(() => parseBenchArgs(['--only', 'nope']), /unknown case "nope"/);
  t.throws(() => parseBenchArgs(['--scale-devices', 'many']), /--scale-devices must be a number/);
});

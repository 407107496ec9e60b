import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCounted, runNodeChild, procCpu, type BenchCaseResult } from './common.js';
import { startExporter, scrape, WALK } from './snmp-exporter.js';

export const SNMP_RECORDINGS = ['edgeswitch_usw-flex-xg', 'asa', 'procurve_nac', 'dlink-dgs1250_28x'];

export interface SnmpBenchOptions {
  snmpPort: number;
  exporterPort: number;
  recordings?: string[];
  /** Polls of every device per side. */
  rounds: number;
  /** Write a V8 CPU profile of the Outpost child into this folder. */
  profileDir?: string;
}

interface SideResult {
  cpuSeconds: number;
  varbinds: number;
  per10k: number;
}

const per10k = (cpu: number, vb: number) => (vb > 0 ? (cpu / vb) * 10_000 : NaN);

async function outpostSide(o: SnmpBenchOptions, recs: string[]): Promise<SideResult & { points: number; failed: number }> {
  const store = mkdtempSync(join(tmpdir(), 'outpost-bench-snmp-'));
  try {
    const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
    const r = await runNodeChild<{ cpuSeconds: number; varbinds: number; points: number; failed: number }>(
      'snmp-child',
      [String(o.snmpPort), String(o.rounds), store, ...recs],
      nodeArgs,
    );
    if (r.failed > 0) throw new Error(`Outpost: ${r.failed} polls failed against snmpsim`);
    return { ...r, per10k: per10k(r.cpuSeconds, r.varbinds) };
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

async function exporterSide(o: SnmpBenchOptions, recs: string[]): Promise<SideResult & { samples: number }> {
  const work = mkdtempSync(join(tmpdir(), 'outpost-bench-exporter-'));
  const ex = await startExporter(join(work, 'snmp.yml'), recs, o.exporterPort);
  try {
    const target = `127.0.0.1:${o.snmpPort}`;
    for (const m of recs) await scrape(ex.url, target, m); // warm-up, as for Outpost
    const before = procCpu(ex.child.pid!).self;
    let samples = 0;
    for (let i = 0; i < o.rounds; i++) for (const m of recs) samples += await scrape(ex.url, target, m);
    const cpu = procCpu(ex.child.pid!).self - before;
    return { cpuSeconds: cpu, varbinds: 0, per10k: NaN, samples };
  } finally {
    await ex.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** net-snmp's C walker: one process per subtree, numeric OIDs; a varbind is an output line starting with an OID. */
async function bulkwalkSide(o: SnmpBenchOptions, recs: string[]): Promise<SideResult> {
  let cpu = 0;
  let varbinds = 0;
  for (let i = 0; i < o.rounds; i++)
    for (const c of recs)
      for (const oid of WALK) {
        const r = await runCounted('snmpbulkwalk', ['-v2c', '-c', c, '-Cr25', '-t', '10', '-r', '1', '-On', `127.0.0.1:${o.snmpPort}`, oid]);
        if (r.code !== 0) throw new Error(`snmpbulkwalk ${c} ${oid} exited ${r.code}: ${r.stderr.slice(0, 300)}`);
        cpu += r.cpu;
        for (const line of r.stdout.split('\n')) if (line.startsWith('.1.3.6.1.')) varbinds++;
      }
  return { cpuSeconds: cpu, varbinds, per10k: per10k(cpu, varbinds) };
}

/**
 * CPU seconds per 10,000 varbinds: Outpost's whole poll (walk, decode, rates, store) vs prometheus-snmp-exporter
 * and snmpbulkwalk on the same simulated devices, in the same run.
 */
export async function benchSnmp(o: SnmpBenchOptions): Promise<BenchCaseResult> {
  const recs = o.recordings ?? SNMP_RECORDINGS;
  const outpost = await outpostSide(o, recs);
  const bulk = await bulkwalkSide(o, recs);
  const exp = await exporterSide(o, recs);
  // The exporter walks exactly snmpbulkwalk's subtrees on the same agent, so it received the same varbinds; its
  // sample count is lower only by the walked columns no metric maps (sysORTable, ifSpecific, sysObjectID).
  exp.varbinds = bulk.varbinds;
  exp.per10k = per10k(exp.cpuSeconds, exp.varbinds);
  const vsExporter = outpost.per10k / exp.per10k;
  const vsBulk = outpost.per10k / bulk.per10k;
  const note = `${recs.length} devices × ${o.rounds} polls; Outpost ${outpost.varbinds} varbinds, exporter/snmpbulkwalk ${bulk.varbinds}`;
  return {
    rows: [
      {
        case: 'SNMP poll',
        metric: 'CPU s / 10k varbinds',
        outpost: outpost.per10k,
        anchor: 'prometheus-snmp-exporter 0.21',
        anchorValue: exp.per10k,
        ratio: vsExporter,
        goal: '≤ 1.0×',
        met: vsExporter <= 1.0,
        note,
      },
      { case: 'SNMP poll', metric: 'CPU s / 10k varbinds', outpost: outpost.per10k, anchor: 'snmpbulkwalk (C, process per walk)', anchorValue: bulk.per10k, ratio: vsBulk, note },
    ],
    detail: { recordings: recs, rounds: o.rounds, outpost, exporter: exp, snmpbulkwalk: bulk },
  };
}

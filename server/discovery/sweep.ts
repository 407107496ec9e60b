import { realExec, type ExecFn } from '../../probes/ping/index.js';
import { fpingArgs } from './targets.js';

export interface SweepResult {
  /** Hosts that answered, in target order. Always a subset of the targets. */
  alive: string[];
  /** The exact fping argument list, kept so a scan can show (and a test assert) what was probed. */
  args: string[];
}

/**
 * One fping run over an explicit target list. fping exits 1 when some hosts are down (normal for a sweep);
 * 3 and above mean it could not run at all, which is an error the scan reports rather than "nobody home".
 */
export async function sweep(targets: readonly string[], rate: number, opts: { exec?: ExecFn; fpingPath?: string; signal?: AbortSignal } = {}): Promise<SweepResult> {
  const args = fpingArgs(targets, rate);
  if (targets.length === 0) return { alive: [], args };
  const intervalMs = Number(args[args.indexOf('-i') + 1]);
  const budget = targets.length * intervalMs + 300 + 10_000;
  const run = await (opts.exec ?? realExec)(opts.fpingPath ?? 'fping', args, { timeout: budget, signal: opts.signal });
  if (run.missing) throw new Error('fping not found: discovery needs it (apt-get install fping)');
  if (run.code === null || run.code >= 3) {
    const perm = /permission|operation not permitted/i.test(run.stderr);
    throw new Error(perm ? 'fping cannot open a raw socket: grant CAP_NET_RAW (AmbientCapabilities=CAP_NET_RAW)' : `fping failed (exit ${run.code}): ${run.stderr.trim().slice(0, 300)}`);
  }
  const said = new Set(run.stdout.split(/\s+/).filter(Boolean));
  return { alive: targets.filter((t) => said.has(t)), args };
}

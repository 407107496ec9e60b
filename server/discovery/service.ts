import type BetterSqlite3 from 'better-sqlite3';
import { networkInterfaces } from 'node:os';
import type { ExecFn } from '../../probes/ping/index.js';
import type { ProbeLogger } from '../../probes/types.js';
import type { OutpostConfig } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import { Value } from '@sinclair/typebox/value';
import { DiscoveryConfigSchema, type DiscoveryConfig } from './config.js';
import { identifyHost, type Connect } from './identify.js';
import { ProposalStore } from './proposals.js';
import type { Proposal, ScanResult } from './schema.js';
import { proposalSnippet } from './snippet.js';
import { sweep } from './sweep.js';
import { inSubnets, sweepTargets } from './targets.js';

/** Config with the `discovery:` key the lead adds to OutpostConfig (read this way so either side compiles). */
export type WithDiscovery = OutpostConfig & { discovery?: unknown };

/** `discovery:` with defaults applied, or undefined when discovery is not configured. */
export function discoveryConfig(cfg: WithDiscovery): DiscoveryConfig | undefined {
  if (cfg.discovery === undefined) return undefined;
  const d = Value.Default(DiscoveryConfigSchema, structuredClone(cfg.discovery));
  if (!Value.Check(DiscoveryConfigSchema, d)) throw new Error('discovery: invalid configuration');
  return d;
}

export interface DiscoveryServiceOptions {
  db: BetterSqlite3.Database;
  config: () => WithDiscovery;
  log: ProbeLogger;
  exec?: ExecFn;
  connect?: Connect;
  now?: () => number;
  /** This box's own addresses (default: every non-loopback IPv4 interface address). */
  ownAddresses?: () => string[];
}

export function ownAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i && i.family === 'IPv4' && !i.internal ? [i.address] : []));
}

export class ScanBusyError extends Error {
  constructor() {
    super('a discovery scan is already running');
  }
}

/**
 * Sweep → SNMP identify → proposals. One scan at a time (a second request is refused, not queued: two
 * sweeps would double the packet rate the config promised). Scheduled runs use the same path.
 */
export class DiscoveryService {
  readonly proposals: ProposalStore;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  lastScan: ScanResult | undefined;

  constructor(private readonly opts: DiscoveryServiceOptions) {
    this.proposals = new ProposalStore(opts.db);
  }

  get busy(): boolean {
    return this.running;
  }

  /** Configured device names and hosts, so snippets do not reuse a name and known hosts are not proposed. */
  private configured(): { names: Set<string>; hosts: Set<string> } {
    const devices = this.opts.config().devices;
    return { names: new Set(devices.map((d) => d.name)), hosts: new Set(devices.map((d) => d.host)) };
  }

  withSnippet(p: Proposal): Proposal {
    return { ...p, snippet: proposalSnippet(p, this.configured().names) };
  }

  async scan(signal?: AbortSignal): Promise<ScanResult> {
    const cfg = this.opts.config();
    const d = discoveryConfig(cfg);
    if (!d) throw new Error('discovery is not configured (add discovery: { subnets: [...] } to the config)');
    if (this.running) throw new ScanBusyError();
    this.running = true;
    const now = this.opts.now ?? Date.now;
    const startedAt = now();
    try {
      // The box's own LAN addresses are not something to propose (it monitors itself through 127.0.0.1).
      const own = new Set(this.opts.ownAddresses?.() ?? ownAddresses());
      const all = sweepTargets(d.subnets);
      const targets = all.filter((a) => !own.has(a));
      const credNames = d.credentials ?? Object.keys(cfg.credentials ?? {});
      const creds = credNames.flatMap((n) => (cfg.credentials?.[n] ? [[n, cfg.credentials[n]!] as const] : []));
      const result: ScanResult = { startedAt, finishedAt: startedAt, subnets: d.subnets, targets: targets.length, self: all.filter((a) => own.has(a)), alive: [], configured: [], proposals: [] };
      try {
        const swept = await sweep(targets, d.rate, { exec: this.opts.exec, signal });
        // Belt and braces: whatever fping printed, only configured subnets go further.
        result.alive = swept.alive.filter((a) => inSubnets(a, d.subnets));
      } catch (err) {
        result.error = (err as Error).message;
        this.opts.log.error({ err: result.error }, 'discovery sweep failed');
      }
      const { hosts } = this.configured();
      for (const address of result.alive) {
        if (hosts.has(address)) {
          result.configured.push(address);
          continue;
        }
        if (signal?.aborted) break;
        const found = await identifyHost(address, creds, { port: d.port, timeoutMs: parseDuration(d.snmp_timeout), connect: this.opts.connect, log: this.opts.log, now });
        result.proposals.push(this.withSnippet(this.proposals.upsert(found, now())));
      }
      result.finishedAt = now();
      this.lastScan = result;
      this.opts.log.info({ targets: targets.length, alive: result.alive.length, proposals: result.proposals.length }, 'discovery scan done');
      return result;
    } finally {
      this.running = false;
    }
  }

  /**
   * Run a scan every `discovery.every`, the first one a minute after start (not at once: a box restarting
   * in a loop must not sweep the LAN on every restart). Re-reads the config each time, so a reload applies.
   */
  start(firstDelayMs = 60_000): void {
    this.stop();
    const tick = (delay: number) => {
      this.timer = setTimeout(async () => {
        let next = 86_400_000;
        try {
          const d = discoveryConfig(this.opts.config());
          if (d) {
            next = parseDuration(d.every);
            if (!this.running) await this.scan();
          }
        } catch (err) {
          this.opts.log.error({ err: (err as Error).message }, 'scheduled discovery failed');
        }
        tick(next);
      }, delay);
      this.timer.unref();
    };
    tick(firstDelayMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

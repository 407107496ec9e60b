import { EventEmitter } from 'node:events';
import type { Point, ProbeLogger, ProbeResult, DeviceClass, Identity } from '../probes/types.js';
import type { ResolvedDevice } from './config/resolve.js';
import { collectSnmp, snmpStats, type SnmpTarget, type SnmpProbeContext } from '../probes/snmp/index.js';
import { pingHosts, type PingOptions } from '../probes/ping/index.js';
import { CounterState } from '../probes/snmp/counters.js';
import { smartProbe, type SmartExec } from '../probes/smart/index.js';
import type { SnmpClient } from '../probes/snmp/varbind.js';
import type { DeviceState } from './store/embedded.js';

/** What every consumer (store, sinks, alert engine, SSE) receives after each probe run. */
export interface PollSample {
  device: string;
  host: string;
  class: DeviceClass;
  parent?: string;
  /** `self` marks Outpost's own health point. */
  probe: 'snmp' | 'ping' | 'smart' | 'trap' | 'self';
  ok: boolean;
  error?: string;
  message?: string;
  identity?: Identity;
  /** Points with `site`, `device` tags and time set. */
  points: Point[];
  time: number;
  durationMs: number;
}

export interface PointSink {
  write(device: string, points: Point[]): void;
}

export interface SchedulerOptions {
  site: string;
  log: ProbeLogger;
  concurrency: number;
  staleAfter: number;
  ping: { intervalMs: number; count: number; fpingPath?: string; periodMs?: number; timeoutMs?: number; exec?: PingOptions['exec'] };
  /** smartctl runs hourly and once shortly after start (SMART counters move slowly; -x wakes idle disks). */
  smart?: { intervalMs?: number; exec?: SmartExec };
  /** SNMP transport override for tests. */
  connect?: SnmpProbeContext['connect'];
  now?: () => number;
}

interface ProbeTrack {
  lastOk?: number;
  lastAttempt?: number;
  lastError?: string;
  running: boolean;
  stale: boolean;
}

interface DeviceRuntime {
  cfg: ResolvedDevice;
  counters: CounterState;
  timer?: NodeJS.Timeout;
  class: DeviceClass;
  identity?: Identity;
  probes: { snmp?: ProbeTrack; ping?: ProbeTrack; smart?: ProbeTrack };
  smartTimer?: NodeJS.Timeout;
  state: DeviceState;
  abort?: AbortController;
}

/** Spread polls over the interval by a stable hash of the name, so 200 devices never fire in the same second. */
export function spreadOffset(name: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h % Math.max(1, intervalMs);
}

/** A counting semaphore: at most N device polls in flight, the rest wait their turn in order. */
class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    return () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

/**
 * Runs every device's SNMP poll on its own interval (spread, never overlapping, cut at a deadline) and one fping
 * process per ping cycle for all ping targets. Results go out as `sample` events; nothing here knows about
 * SQLite, InfluxDB or alerts.
 */
export class Scheduler extends EventEmitter<{ sample: [PollSample]; state: [string, DeviceState, DeviceState]; selfHealth: [Point] }> {
  private devices = new Map<string, DeviceRuntime>();
  private sem: Semaphore;
  private pingTimer?: NodeJS.Timeout;
  private staleTimer?: NodeJS.Timeout;
  private stopped = true;
  private pingRunning = false;
  /** Worst lateness of a poll start against its schedule since the last self-health point (seconds). */
  private maxLagMs = 0;
  private readonly now: () => number;
  pollsTotal = 0;
  overruns = 0;

  constructor(private readonly opts: SchedulerOptions) {
    super();
    this.sem = new Semaphore(opts.concurrency);
    this.now = opts.now ?? Date.now;
  }

  /** Swap the device list; devices that stay keep their counters (so a reload never causes a rate gap). */
  setDevices(list: ResolvedDevice[], known: Map<string, { class?: string; identity?: Identity }> = new Map()): void {
    const next = new Map<string, DeviceRuntime>();
    for (const cfg of list) {
      const prev = this.devices.get(cfg.name);
      if (prev) {
        clearTimeout(prev.timer);
        prev.cfg = cfg;
        if (!cfg.snmp) delete prev.probes.snmp;
        else prev.probes.snmp ??= { running: false, stale: false };
        if (!cfg.ping) delete prev.probes.ping;
        else prev.probes.ping ??= { running: false, stale: false };
        if (!cfg.smart) delete prev.probes.smart;
        else prev.probes.smart ??= { running: false, stale: false };
        next.set(cfg.name, prev);
      } else {
        const k = known.get(cfg.name);
        next.set(cfg.name, {
          cfg,
          counters: new CounterState(),
          class: cfg.classOverride ?? (k?.class as DeviceClass) ?? 'unknown',
          identity: k?.identity,
          probes: {
            ...(cfg.snmp ? { snmp: { running: false, stale: false } } : {}),
            ...(cfg.ping ? { ping: { running: false, stale: false } } : {}),
            ...(cfg.smart ? { smart: { running: false, stale: false } } : {}),
          },
          state: 'unknown',
        });
      }
    }
    for (const [name, d] of this.devices) if (!next.has(name)) {
      clearTimeout(d.timer);
      clearTimeout(d.smartTimer);
      d.abort?.abort();
    }
    this.devices = next;
    if (!this.stopped) for (const d of this.devices.values()) {
      this.scheduleSnmp(d, true);
      if (!d.smartTimer) this.scheduleSmart(d, 5000);
    }
  }

  private smartInterval(): number {
    return this.opts.smart?.intervalMs ?? smartProbe.defaultIntervalMs;
  }

  private scheduleSmart(d: DeviceRuntime, delayMs: number): void {
    if (!d.cfg.smart || this.stopped) return;
    clearTimeout(d.smartTimer);
    d.smartTimer = setTimeout(() => void this.pollSmart(d), delayMs);
  }

  private async pollSmart(d: DeviceRuntime): Promise<void> {
    const track = d.probes.smart;
    if (!track || !d.cfg.smart || this.stopped) return;
    this.scheduleSmart(d, this.smartInterval());
    if (track.running) return;
    track.running = true;
    const start = this.now();
    try {
      const r = await smartProbe.collect(d.cfg.smart, { log: this.opts.log, exec: this.opts.smart?.exec });
      this.record(d, 'smart', { ok: r.ok, error: r.error, message: r.message, points: r.points, errors: r.errors }, start, this.now() - start);
    } catch (err) {
      this.opts.log.error({ err, device: d.cfg.name }, 'smart probe threw');
    } finally {
      track.running = false;
    }
  }

  start(): void {
    this.stopped = false;
    for (const d of this.devices.values()) {
      this.scheduleSnmp(d, true);
      this.scheduleSmart(d, 5000);
    }
    const pingEvery = this.opts.ping.intervalMs;
    // First ping cycle soon after start so a fresh box shows something within seconds.
    this.pingTimer = setTimeout(() => this.pingCycle(), Math.min(1000, pingEvery));
    this.staleTimer = setInterval(() => this.checkStale(), 5000);
    this.staleTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pingTimer);
    clearInterval(this.staleTimer);
    for (const d of this.devices.values()) {
      clearTimeout(d.timer);
      clearTimeout(d.smartTimer);
      d.abort?.abort();
    }
  }

  deviceState(name: string): DeviceState | undefined {
    return this.devices.get(name)?.state;
  }

  private scheduleSnmp(d: DeviceRuntime, first: boolean): void {
    if (!d.cfg.snmp || this.stopped) return;
    clearTimeout(d.timer);
    const iv = d.cfg.intervalMs;
    const now = this.now();
    // Align to a per-device phase: next slot = the next multiple of the interval plus this device's offset.
    const phase = spreadOffset(d.cfg.name, iv);
    let due = now - ((now - phase) % iv) + iv;
    if (first) due = now + Math.min(phase % Math.min(iv, 10_000), iv);
    d.timer = setTimeout(() => void this.pollSnmp(d, due), Math.max(0, due - now));
  }

  private async pollSnmp(d: DeviceRuntime, due: number): Promise<void> {
    const track = d.probes.snmp;
    if (!track || !d.cfg.snmp || this.stopped) return;
    this.scheduleSnmp(d, false);
    if (track.running) {
      // Never two polls of one device at once: the slow one keeps going until its deadline.
      this.overruns++;
      return;
    }
    track.running = true;
    const release = await this.sem.acquire();
    const start = this.now();
    this.maxLagMs = Math.max(this.maxLagMs, start - due);
    // The whole poll is cut one second before the next one is due (blackbox's timeout offset).
    const abort = new AbortController();
    d.abort = abort;
    const deadline = setTimeout(() => abort.abort(), Math.max(1000, d.cfg.intervalMs - 1000));
    let result: ProbeResult;
    try {
      const target: SnmpTarget = {
        host: d.cfg.host,
        port: d.cfg.port,
        credential: d.cfg.snmp.credential,
        maxRepetitions: d.cfg.snmp.maxRepetitions,
        interfaces: d.cfg.snmp.interfaces,
      };
      result = await collectSnmp(target, {
        signal: abort.signal,
        log: this.opts.log,
        now: start,
        timeoutMs: d.cfg.timeoutMs,
        retries: d.cfg.retries,
        counters: d.counters,
        maxGapMs: d.cfg.intervalMs * 2.5,
        connect: this.opts.connect,
      });
    } catch (err) {
      // collectSnmp returns failures as data; reaching here is a bug, reported as such and kept going.
      this.opts.log.error({ err, device: d.cfg.name }, 'snmp probe threw');
      result = { ok: false, error: 'internal', message: (err as Error).message, points: [], errors: [] };
    } finally {
      clearTimeout(deadline);
      release();
      track.running = false;
    }
    if (abort.signal.aborted && !result.ok) result = { ...result, error: 'timeout', message: 'poll cut at its deadline (device too slow for its interval)' };
    this.pollsTotal++;
    this.record(d, 'snmp', result, start, this.now() - start);
  }

  private async pingCycle(): Promise<void> {
    if (this.stopped) return;
    this.pingTimer = setTimeout(() => this.pingCycle(), this.opts.ping.intervalMs);
    if (this.pingRunning) return;
    this.pingRunning = true;
    try {
      // Group by echo count: one fping process per distinct count (normally just one).
      const groups = new Map<number, DeviceRuntime[]>();
      for (const d of this.devices.values()) if (d.cfg.ping) groups.set(d.cfg.ping.count, [...(groups.get(d.cfg.ping.count) ?? []), d]);
      for (const [count, list] of groups) {
        const start = this.now();
        const res = await pingHosts(
          list.map((d) => d.cfg.host),
          { count, log: this.opts.log, fpingPath: this.opts.ping.fpingPath, periodMs: this.opts.ping.periodMs, timeoutMs: this.opts.ping.timeoutMs, exec: this.opts.ping.exec },
        );
        const took = this.now() - start;
        for (const d of list) {
          if (!this.devices.has(d.cfg.name)) continue;
          const r = res.get(d.cfg.host) ?? { ok: false, error: 'internal' as const, message: 'no result', points: [], errors: [] };
          this.record(d, 'ping', { ...r, points: r.points.map((p) => ({ ...p, fields: { ...p.fields } })) }, start, took);
        }
      }
    } catch (err) {
      this.opts.log.error({ err }, 'ping cycle failed');
    } finally {
      this.pingRunning = false;
    }
  }

  private record(d: DeviceRuntime, probe: 'snmp' | 'ping' | 'smart', r: ProbeResult, time: number, durationMs: number): void {
    const track = d.probes[probe];
    if (track) {
      track.lastAttempt = time;
      if (r.ok) {
        track.lastOk = time;
        track.stale = false;
        track.lastError = undefined;
      } else track.lastError = r.message ?? r.error;
    }
    if (r.device) {
      d.identity = r.device;
      if (!d.cfg.classOverride) d.class = r.device.class;
    }
    const tags = { site: this.opts.site, device: d.cfg.name };
    const points: Point[] = r.points.map((p) => ({ ...p, tags: { ...p.tags, ...tags }, time: p.time ?? time }));
    points.push({
      measurement: 'availability',
      tags: { ...tags, probe },
      fields: { up: r.ok, poll_ms: Math.round(durationMs * 10) / 10, stale: false, ...(r.ok ? {} : { error: r.error ?? 'unknown' }) },
      time,
    });
    this.emit('sample', {
      device: d.cfg.name,
      host: d.cfg.host,
      class: d.class,
      parent: d.cfg.parent,
      probe,
      ok: r.ok,
      error: r.error,
      message: r.message,
      identity: r.device,
      points,
      time,
      durationMs,
    });
    this.updateState(d);
  }

  /** down = every probe's last attempt failed; stale = some probe has had no success for `staleAfter` intervals. */
  private updateState(d: DeviceRuntime): void {
    const tracks = Object.values(d.probes).filter((t): t is ProbeTrack => !!t);
    let next: DeviceState;
    if (tracks.length === 0 || tracks.every((t) => t.lastAttempt === undefined)) next = 'unknown';
    else if (tracks.every((t) => t.lastAttempt !== undefined && t.lastOk !== t.lastAttempt)) next = 'down';
    else if (tracks.some((t) => t.stale)) next = 'stale';
    else next = 'up';
    if (next !== d.state) {
      const prev = d.state;
      d.state = next;
      this.emit('state', d.cfg.name, next, prev);
    }
  }

  private checkStale(): void {
    const now = this.now();
    for (const d of this.devices.values()) {
      for (const [probe, t] of Object.entries(d.probes) as Array<['snmp' | 'ping' | 'smart', ProbeTrack]>) {
        const iv = probe === 'ping' ? this.opts.ping.intervalMs : probe === 'smart' ? this.smartInterval() : d.cfg.intervalMs;
        const since = t.lastOk ?? undefined;
        const limit = this.opts.staleAfter * iv;
        // Before a first success, measure from the start of polling so a device that never answered also goes stale.
        const ref = since ?? t.lastAttempt;
        if (ref === undefined || now - ref <= limit || t.stale) continue;
        t.stale = true;
        const tags = { site: this.opts.site, device: d.cfg.name, probe };
        this.emit('sample', {
          device: d.cfg.name,
          host: d.cfg.host,
          class: d.class,
          parent: d.cfg.parent,
          probe,
          ok: false,
          error: 'stale',
          message: `no successful ${probe} poll for ${Math.round((now - ref) / 1000)} s`,
          points: [{ measurement: 'availability', tags, fields: { up: false, stale: true, poll_ms: 0, error: 'stale' }, time: now }],
          time: now,
          durationMs: 0,
        });
        this.updateState(d);
      }
    }
  }

  /** Self-health point (the `outpost` measurement); `reset` starts a new lag window (once per self-health period). */
  selfHealth(extra: Record<string, number> = {}, reset = true): Point {
    const mem = process.memoryUsage();
    let stale = 0;
    let down = 0;
    let discarded = 0;
    for (const d of this.devices.values()) {
      if (d.state === 'stale') stale++;
      if (d.state === 'down') down++;
      discarded += d.counters.discarded;
    }
    const p: Point = {
      measurement: 'outpost',
      tags: { site: this.opts.site, device: 'outpost' },
      fields: {
        poll_lag_s: Math.max(0, Math.round(this.maxLagMs / 100) / 10),
        devices_stale: stale,
        devices_down: down,
        rss_bytes: mem.rss,
        heap_used_bytes: mem.heapUsed,
        polls_total: this.pollsTotal,
        varbinds_total: snmpStats.varbinds,
        rates_discarded: discarded,
        ...extra,
      },
      time: this.now(),
    };
    if (reset) this.maxLagMs = 0;
    return p;
  }

  runtimeInfo(name: string): { state: DeviceState; probes: Record<string, { lastOk?: number; lastAttempt?: number; lastError?: string; stale: boolean }> } | undefined {
    const d = this.devices.get(name);
    if (!d) return undefined;
    return { state: d.state, probes: Object.fromEntries(Object.entries(d.probes).map(([k, t]) => [k, { lastOk: t.lastOk, lastAttempt: t.lastAttempt, lastError: t.lastError, stale: t.stale }])) };
  }
}

export type { SnmpClient };

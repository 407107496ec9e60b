import { EventEmitter } from 'node:events';
import type { Point, ProbeLogger, ProbeResult, DeviceClass, Identity } from '../probes/types.js';
import type { ResolvedDevice } from './config/resolve.js';
import { collectSnmp, closeSession, snmpStats, type SnmpTarget, type SnmpProbeContext, type SessionSlot } from '../probes/snmp/index.js';
import { pingHosts, type PingOptions } from '../probes/ping/index.js';
import { CounterState } from '../probes/snmp/counters.js';
import { InventoryState } from '../probes/snmp/inventory.js';
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
  /** Slots for devices that answer: a number, or 'auto' (sized from the device count and intervals, autoConcurrency()). */
  concurrency: number | 'auto';
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
  /** The device's SNMP session, kept across polls (one socket per device, SNMPv3 engine discovered once). */
  session: SessionSlot;
  /** ENTITY-MIB identity and other inventory, re-read every few hours rather than every poll. */
  inventory: InventoryState;
  /** The last SNMP poll got no answer (timeout, unreachable): polled in the unreachable lane until it answers. */
  unanswered: boolean;
}

/** What a poll of an answering device is assumed to take when sizing the lane (LAN agents: 0.1–1 s measured). */
const ASSUMED_POLL_MS = 1000;
const AUTO_MIN = 16;
const AUTO_MAX = 128;

/**
 * Slots that let every answering device's poll fit in half its interval at ASSUMED_POLL_MS each (the other half is
 * headroom for slow agents and bursts), never fewer than 16 nor more than 128: 1,000 devices at 60 s → 34.
 */
export function autoConcurrency(devices: Array<{ intervalMs: number }>): number {
  let need = 0;
  for (const d of devices) need += ASSUMED_POLL_MS / Math.max(1000, d.intervalMs / 2);
  return Math.min(AUTO_MAX, Math.max(AUTO_MIN, Math.ceil(need)));
}

/**
 * The unreachable lane (LibreNMS/Zabbix "unreachable pollers"): devices whose last poll got no answer wait here,
 * a quarter as many slots as the main lane (at least 2), so a rack that lost power holds these slots for its
 * timeouts while every answering device keeps its schedule.
 */
export function unreachableSlots(main: number): number {
  return Math.max(2, Math.ceil(main / 4));
}

/** Errors that mean "nothing answered": the device pays a whole timeout per poll. */
const NO_ANSWER = new Set(['timeout', 'unreachable']);

/** Spread polls over the interval by a stable hash of the name, so 200 devices never fire in the same second. */
export function spreadOffset(name: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h % Math.max(1, intervalMs);
}

/** A counting semaphore: at most `limit` device polls in flight, the rest wait their turn in order. */
class Semaphore {
  private waiting: Array<() => void> = [];
  private busy = 0;
  constructor(private limit: number) {}
  get size(): number {
    return this.limit;
  }
  /** Resize (a reload changed the device list): extra slots start waiting polls at once, fewer drain as polls end. */
  resize(limit: number): void {
    this.limit = limit;
    this.drain();
  }
  async acquire(): Promise<() => void> {
    if (this.busy < this.limit) this.busy++;
    else await new Promise<void>((r) => this.waiting.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
      this.drain();
    };
  }
  private drain(): void {
    while (this.busy < this.limit && this.waiting.length) {
      this.busy++;
      this.waiting.shift()!();
    }
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
  private unreachableSem: Semaphore;
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
    const main = opts.concurrency === 'auto' ? autoConcurrency([]) : opts.concurrency;
    this.sem = new Semaphore(main);
    this.unreachableSem = new Semaphore(unreachableSlots(main));
    this.now = opts.now ?? Date.now;
  }

  /** Swap the device list; devices that stay keep their counters (so a reload never causes a rate gap). */
  setDevices(list: ResolvedDevice[], known: Map<string, { class?: string; identity?: Identity }> = new Map()): void {
    const next = new Map<string, DeviceRuntime>();
    for (const cfg of list) {
      const prev = this.devices.get(cfg.name);
      if (prev) {
        clearTimeout(prev.timer);
        // A new address gets a full poll in the main lane: the old one's silence says nothing about it.
        if (prev.cfg.host !== cfg.host || prev.cfg.port !== cfg.port) prev.unanswered = false;
        prev.cfg = cfg;
        // A changed host, credential or timeout opens a new session at the next poll (collectSnmp compares them).
        if (!cfg.snmp) {
          delete prev.probes.snmp;
          closeSession(prev.session);
        } else prev.probes.snmp ??= { running: false, stale: false };
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
          session: {},
          inventory: new InventoryState(),
          unanswered: false,
        });
      }
    }
    for (const [name, d] of this.devices) if (!next.has(name)) {
      clearTimeout(d.timer);
      clearTimeout(d.smartTimer);
      d.abort?.abort();
      closeSession(d.session);
    }
    this.devices = next;
    if (this.opts.concurrency === 'auto') {
      const main = autoConcurrency([...next.values()].filter((d) => d.cfg.snmp).map((d) => d.cfg));
      this.sem.resize(main);
      this.unreachableSem.resize(unreachableSlots(main));
    }
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
      closeSession(d.session);
    }
  }

  /** The SNMP client kept for this device between polls (diagnostics and tests). */
  snmpSession(name: string): SnmpClient | undefined {
    return this.devices.get(name)?.session.client;
  }

  /** Slots of the main and the unreachable lane (diagnostics and tests). */
  get lanes(): { main: number; unreachable: number } {
    return { main: this.sem.size, unreachable: this.unreachableSem.size };
  }

  /**
   * Devices polled in the unreachable lane now (their last SNMP poll got no answer). Counted on demand rather than
   * kept as a running total, so no poll, reload or removal path can let it drift: one pass over the device map.
   */
  get unreachableCount(): number {
    let n = 0;
    for (const d of this.devices.values()) if (d.unanswered && d.cfg.snmp) n++;
    return n;
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
    // Decided when the poll is queued: a device that stopped answering waits in its own lane, with no retries
    // (one timeout per poll tells whether it is back), instead of holding a healthy device's slot for
    // timeout × (retries + 1).
    const unanswered = d.unanswered;
    const release = await (unanswered ? this.unreachableSem : this.sem).acquire();
    if (this.stopped || this.devices.get(d.cfg.name) !== d) {
      // Stopped or removed while waiting for a slot: opening a session now would leave it open.
      release();
      track.running = false;
      return;
    }
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
        retries: unanswered ? 0 : d.cfg.retries,
        counters: d.counters,
        maxGapMs: d.cfg.intervalMs * 2.5,
        connect: this.opts.connect,
        session: d.session,
        inventory: d.inventory,
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
    // A poll cut by stop() or by the device's removal says nothing about the device: no sample.
    if (this.stopped || this.devices.get(d.cfg.name) !== d) return;
    if (abort.signal.aborted && !result.ok) result = { ...result, error: 'timeout', message: 'poll cut at its deadline (device too slow for its interval)' };
    d.unanswered = !result.ok && NO_ANSWER.has(result.error ?? '');
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

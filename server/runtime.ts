import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { OutpostConfig } from './config/schema.js';
import { loadConfigFile, formatIssues } from './config/load.js';
import { resolveDevices, dataDir, retention } from './config/resolve.js';
import { parseDuration } from './config/duration.js';
import { EmbeddedStore } from './store/embedded.js';
import { Scheduler, type PollSample, type SchedulerOptions } from './scheduler.js';
import { UserStore } from './auth/users.js';
import type { EventMap, EventName, StreamHello } from './schemas/events.js';
import type { ProbeLogger, Point } from '../probes/types.js';
import { createSinks, sinkStatsPoint, type InfluxSink } from './store/influx/index.js';
import { join } from 'node:path';
import { AlertService } from './alerts/service.js';
import { DiskStore } from './store/disks.js';
import { NotificationService } from './alerts/delivery.js';
import { VERSION } from './version.js';
import { TrapReceiver } from './traps/index.js';
import { TrapSourceIndex } from './traps/source-index.js';
import type { DeviceClass } from '../probes/types.js';

export interface RuntimeOptions {
  config: OutpostConfig;
  configPath?: string;
  log: ProbeLogger;
  env?: NodeJS.ProcessEnv;
  /** Test seams: SNMP transport, fping exec. */
  connect?: SchedulerOptions['connect'];
  pingExec?: SchedulerOptions['ping']['exec'];
  /** Do not start polling (CLI commands that only need the database). */
  poll?: boolean;
}

/**
 * Typed event bus feeding the SSE stream. Events are numbered so that a REST reply (stamped with the number of
 * the last event before it) and the stream can be put together without losing or repeating one.
 */
export class EventBus extends EventEmitter {
  /** Differs between server runs, whose numbering both starts at 0. */
  readonly boot = randomBytes(4).toString('hex');
  private n = 0;
  private readonly lastOf: Partial<Record<EventName, number>> = {};

  publish<K extends EventName>(name: K, data: EventMap[K]): void {
    const seq = ++this.n;
    this.lastOf[name] = seq;
    this.emit('event', name, data, seq);
  }

  /** The number of the last event published. */
  get seq(): number {
    return this.n;
  }

  hello(): StreamHello {
    return { boot: this.boot, seq: this.n, last: { ...this.lastOf } };
  }
}

/**
 * Everything the appliance runs, wired from one config: embedded store, scheduler, users, event bus.
 * The Fastify app decorates itself with this (server/app.ts); the CLI uses it without HTTP.
 */
export class Runtime {
  config: OutpostConfig;
  readonly store: EmbeddedStore;
  readonly users: UserStore;
  readonly scheduler: Scheduler;
  readonly alerts: AlertService;
  /** Every disk seen at the site, by serial/WWN, whichever source reported it (smartctl, push, NAS). */
  readonly disks: DiskStore;
  readonly bus = new EventBus();
  readonly startedAt = Date.now();
  readonly dataDir: string;
  /** One-time code for the first-run page; printed to the log, cleared once an admin exists. */
  setupCode: string | undefined;
  reloadState: { lastReloadOk: boolean; lastReloadAt: number; lastReloadError?: string } = { lastReloadOk: true, lastReloadAt: Date.now() };
  private timers: NodeJS.Timeout[] = [];
  private sinks: InfluxSink[] = [];
  traps: TrapReceiver | undefined;
  /** Trap sender → device, by IP or by the resolved addresses of a configured DNS name; rebuilt on reload. */
  private readonly trapSources: TrapSourceIndex;
  notifications: NotificationService | undefined;
  private notifyKey = '';
  private trapsKey = '';
  private sinksKey = '';
  private readonly sampleListeners: Array<(s: PollSample) => void> = [];

  constructor(private readonly opts: RuntimeOptions) {
    this.config = opts.config;
    this.dataDir = dataDir(opts.config, opts.env);
    this.trapSources = new TrapSourceIndex(undefined, opts.log);
    this.store = new EmbeddedStore(this.dataDir, retention(opts.config));
    this.users = new UserStore(this.store.db);
    const def = opts.config.defaults!;
    this.scheduler = new Scheduler({
      site: opts.config.site.id,
      log: opts.log,
      concurrency: def.concurrency,
      staleAfter: def.stale_after,
      ping: { intervalMs: parseDuration(def.ping.interval), count: def.ping.count, exec: opts.pingExec },
      connect: opts.connect,
    });
    this.scheduler.on('sample', (s) => this.onSample(s));
    this.scheduler.on('state', (device, state, previous) => {
      this.store.setDeviceState(device, { state });
      this.bus.publish('deviceState', { device, state, previous, time: Date.now() });
    });
    this.disks = new DiskStore(this.store.db);
    this.alerts = new AlertService(this.store.db, opts.config, opts.log);
    this.alerts.onEvents((events) => {
      // Durable first: the notifier outbox stores every notification before anything is sent.
      this.notifications?.onAlertEvents(events);
      for (const e of events) this.bus.publish('alertChanged', { type: e.type, alert: e.alert as unknown as Record<string, unknown> });
    });
    this.applyNotifications();
    this.applyDevices();
    this.applySinks();
    this.sinkStatsProviders.push(() => this.sinks.map((s) => ({ ...s.stats() })));
    if (this.users.count() === 0) {
      this.setupCode = randomBytes(6).toString('hex');
      opts.log.warn(`No users yet. Open the dashboard and create the first admin with setup code ${this.setupCode} (or run: outpost user add NAME --role admin --password-stdin)`);
    }
  }

  get configPath(): string | undefined {
    return this.opts.configPath;
  }

  /** State of every InfluxDB sink (its outbox depth, last error); empty when none is configured. */
  sinkStats(): Array<Record<string, unknown> & { state: string }> {
    return this.sinkStatsProviders.flatMap((f) => f());
  }

  /** Subsystems that own sinks register how to read their state here. */
  readonly sinkStatsProviders: Array<() => Array<Record<string, unknown> & { state: string }>> = [];

  /** Subscribe to every poll result (alert engine, InfluxDB sinks). */
  onPoll(fn: (s: PollSample) => void): void {
    this.sampleListeners.push(fn);
  }

  private onSample(s: PollSample): void {
    this.ingest(s, { polled: true });
  }

  /**
   * The one path every observation takes, polled or not (SMART pushed by a server, an SNMP trap): embedded
   * store, every InfluxDB sink, the alert engine, listeners and the SSE stream. Only polls update the
   * device's poll state (a trap proves nothing about whether polling works).
   */
  ingest(s: PollSample, opts: { polled?: boolean } = {}): void {
    this.store.write(s.device, s.points);
    // Staged per poll and sink; group-committed to disk by the end of this event-loop turn (server/store/influx/README.md).
    for (const sink of this.sinks) sink.enqueue(s.points);
    if (opts.polled) this.recordPoll(s);
    this.alerts.sample(s);
    for (const fn of this.sampleListeners) {
      try {
        fn(s);
      } catch (err) {
        this.opts.log.error({ err }, 'poll listener failed');
      }
    }
    this.bus.publish('probeResult', { device: s.device, probe: s.probe, ok: s.ok, error: s.error, time: s.time, durationMs: s.durationMs, class: s.class });
  }

  private recordPoll(s: PollSample): void {
    const patch: Parameters<EmbeddedStore['setDeviceState']>[1] = { lastPoll: s.time };
    if (s.ok) patch.lastOk = s.time;
    patch.lastError = s.ok ? null : `${s.probe}: ${s.message ?? s.error}`;
    if (s.identity) {
      patch.identity = s.identity;
      patch.class = s.class;
    } else if (s.class !== 'unknown') patch.class = s.class;
    this.store.setDeviceState(s.device, patch);
  }

  private applyDevices(): void {
    const devices = resolveDevices(this.config);
    this.store.syncDevices(devices);
    // Servers that push SMART data without a config entry stay listed across reloads.
    this.store.pruneDevices(new Set([...devices.map((d) => d.name), ...this.disks.unconfiguredPushHosts().map((h) => h.name)]));
    for (const d of devices) if (d.classOverride) this.store.setDeviceState(d.name, { class: d.classOverride });
    this.store.flush();
    const known = new Map(this.store.devices().map((r) => [r.name, { class: r.class, identity: r.identity as never }]));
    this.scheduler.setDevices(devices, known);
  }

  /** (Re)create sinks when their config changed; outboxes live on disk, so nothing queued is lost by a reload. */
  private applySinks(): void {
    const cfgs = this.config.storage?.influxdb ?? [];
    const key = JSON.stringify(cfgs);
    if (key === this.sinksKey) return;
    const old = this.sinks;
    this.sinks = [];
    for (const s of old) void s.close();
    this.sinks = createSinks(cfgs, { dataDir: join(this.dataDir, 'outbox'), site: this.config.site.id, log: this.opts.log });
    this.sinksKey = key;
    if (this.running) for (const s of this.sinks) s.start();
  }

  private running = false;

  /** (Re)create the receivers when `alerts.notify` or `alerts.heartbeat` changed; the outbox lives in the db. */
  private applyNotifications(): void {
    const key = JSON.stringify([this.config.alerts?.notify, this.config.alerts?.heartbeat, this.config.site.id]);
    if (key === this.notifyKey) return;
    this.notifyKey = key;
    const old = this.notifications;
    if (old) void old.stop();
    this.notifications = new NotificationService({
      db: this.store.db,
      notify: this.config.alerts?.notify ?? [],
      heartbeat: this.config.alerts?.heartbeat,
      site: this.config.site.id,
      log: this.opts.log,
      version: VERSION,
      dataDir: this.dataDir,
      healthSnapshot: () => this.healthSnapshot(),
    });
    if (this.running) this.notifications.start();
  }

  /** What the heartbeat tells central about this box. */
  healthSnapshot(): Record<string, unknown> {
    const self = this.scheduler.selfHealth({}, false);
    return {
      poll_lag_s: self.fields.poll_lag_s,
      devices_stale: self.fields.devices_stale,
      devices_down: self.fields.devices_down,
      // Devices whose SNMP agent stopped answering (polled in their own lane): central sees a site going dark.
      devices_unreachable: this.scheduler.unreachableCount,
      rss_bytes: self.fields.rss_bytes,
      sinks: this.sinks.map((s) => {
        const st = s.stats();
        return { name: st.name, state: st.state, outbox_points: st.outboxPoints, oldest_point_age_s: st.oldestPointAgeS, dropped_points: st.droppedPoints };
      }),
      config_ok: this.reloadState.lastReloadOk,
    };
  }

  /** Outpost's own health points: the scheduler's and one per sink. */
  private selfHealthPoints(): Point[] {
    const now = Date.now();
    const tags = { site: this.config.site.id, device: 'outpost' };
    return [
      this.scheduler.selfHealth({ embedded_bytes: this.store.sizeBytes(), devices_unreachable: this.scheduler.unreachableCount }),
      ...this.sinks.map((s) => {
        const p = sinkStatsPoint(s.stats(now), now);
        return { ...p, tags: { ...p.tags, ...tags } };
      }),
    ];
  }

  /**
   * (Re)start the trap receiver when its config or the credentials changed. A port that cannot be bound (162
   * without the capability) is logged and polling carries on: traps speed alerts up, polling is the floor.
   */
  private async applyTraps(): Promise<void> {
    const key = JSON.stringify([this.config.traps, this.config.credentials]);
    if (key === this.trapsKey) return;
    this.trapsKey = key;
    await this.traps?.stop();
    this.traps = undefined;
    if (!this.config.traps) return;
    const sources = this.trapSources;
    const receiver = new TrapReceiver({
      config: this.config.traps,
      credentials: this.config.credentials,
      site: this.config.site.id,
      log: this.opts.log,
      resolveDevice: (addr) => {
        const d = sources.get(addr);
        if (!d) return undefined;
        const cls = (d.classOverride ?? this.store.device(d.name)?.class ?? 'unknown') as DeviceClass;
        return { name: d.name, class: cls, parent: d.parent };
      },
      interfaceName: (device, ifIndex) => this.store.latest(device).find((l) => l.measurement === 'interface' && l.tags.ifIndex === ifIndex)?.tags.ifName,
      onSample: (s) => this.ingest({ ...s, host: sources.device(s.device)?.host ?? '', durationMs: 0, probe: 'trap' }),
    });
    try {
      await receiver.start();
      this.traps = receiver;
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message }, 'SNMP trap receiver not started');
    }
  }

  start(): void {
    if (this.opts.poll === false) return;
    this.running = true;
    if (this.config.traps) void this.trapSources.set(resolveDevices(this.config));
    this.trapSources.start();
    void this.applyTraps();
    for (const s of this.sinks) s.start();
    this.alerts.start();
    this.notifications?.start();
    this.scheduler.start();
    const flushMs = parseDuration(this.config.storage?.embedded?.flush_every ?? '5s');
    this.timers.push(setInterval(() => this.flush(), flushMs));
    this.timers.push(
      setInterval(() => {
        const pts = this.selfHealthPoints();
        const p = pts[0]!;
        this.store.write('outpost', pts);
        for (const sink of this.sinks) sink.enqueue(pts);
        const self = { device: 'outpost', host: '127.0.0.1', class: 'server' as const, probe: 'self' as const, ok: true, points: pts, time: p.time!, durationMs: 0 };
        this.alerts.sample(self);
        for (const fn of this.sampleListeners) fn(self);
        this.bus.publish('health', { time: p.time!, pollLagS: Number(p.fields.poll_lag_s), devicesStale: Number(p.fields.devices_stale), devicesDown: Number(p.fields.devices_down) });
      }, 60_000),
    );
    this.timers.push(setInterval(() => this.store.prune(), 3_600_000));
    for (const t of this.timers) t.unref?.();
  }

  flush(): void {
    try {
      this.store.flush();
    } catch (err) {
      this.opts.log.error({ err }, 'embedded store flush failed');
    }
  }

  /** SIGHUP: re-read the file; a bad file keeps the running config and says why (blackbox's SafeConfig). */
  reload(): boolean {
    if (!this.opts.configPath) return false;
    const res = loadConfigFile(this.opts.configPath, this.opts.env);
    this.reloadState = { lastReloadOk: res.ok, lastReloadAt: Date.now() };
    if (!res.ok) {
      this.reloadState.lastReloadError = formatIssues(this.opts.configPath, res.issues);
      this.opts.log.error(`config reload failed, keeping the last good config:\n${this.reloadState.lastReloadError}`);
      return false;
    }
    this.config = res.config;
    this.applyDevices();
    this.applySinks();
    this.alerts.setConfig(res.config);
    // Only a site that receives traps needs its device names resolved.
    if (res.config.traps) void this.trapSources.set(resolveDevices(res.config));
    this.applyNotifications();
    if (this.running) void this.applyTraps();
    this.opts.log.info(`config reloaded: ${res.config.devices.length} devices`);
    return true;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.scheduler.stop();
    await this.traps?.stop();
    this.trapSources.stop();
    this.alerts.stop();
    await this.notifications?.stop();
    this.store.close();
    // Final flush attempt with a short deadline; whatever is left stays in the outbox for the next start.
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}

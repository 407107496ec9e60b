import type Database from 'better-sqlite3';
import type { ProbeLogger } from '../../probes/types.js';
import type { OutpostConfig } from '../config/schema.js';
import { resolveDevices } from '../config/resolve.js';
import { step } from './engine.js';
import { AlertsConfigError, resolveRules, rulesForDevice, type ResolvedRules } from './rules.js';
import { AlertHistory } from './history.js';
import { asOneOff, checkOverride, levelOrderAfter, RuleOverlay, scopeOf, type StoredWindow } from './overlay.js';
import { resolveWindow, windowActive } from './maintenance.js';
import type { DeviceSample, EngineInput, EngineState } from './types.js';
import type { Alert, AlertEvent, EffectiveRule, MaintenanceEntry, NewMaintenance, RuleOverride, RuleOverrideEntry } from './schema.js';
import { parseDuration } from './duration.js';
import type { DeviceClass } from '../../probes/types.js';

/**
 * The impure shell around the pure engine: feeds it samples and ticks with the real clock, persists its
 * events and state in SQLite, and hands events to listeners (SSE, notifier outbox). The engine itself stays
 * a step function (STYLE.md 10).
 */
export class AlertService {
  private state: EngineState;
  private rules: ResolvedRules;
  private config: OutpostConfig;
  readonly history: AlertHistory;
  /** Overrides and maintenance windows set from the dashboard; merged after the config on every resolve. */
  readonly overlay: RuleOverlay;
  private readonly listeners: Array<(events: AlertEvent[]) => void> = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    db: Database.Database,
    config: OutpostConfig,
    private readonly log: ProbeLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.history = new AlertHistory(db);
    this.overlay = new RuleOverlay(db);
    this.state = this.history.restore();
    this.config = config;
    this.rules = this.resolve(config);
    this.forgetRemoved();
  }

  private resolve(config: OutpostConfig): ResolvedRules {
    const intervals = Object.fromEntries(resolveDevices(config).filter((d) => d.snmp || d.ping).map((d) => [d.name, d.intervalMs]));
    const { notify: _n, heartbeat: _h, ...engine } = config.alerts ?? {};
    // A stored override that no longer makes sense (a rule renamed by an upgrade) is skipped, not fatal:
    // the rest of the engine must keep running. It stays listed so an admin can see and delete it.
    const dashboardRules = this.overlay.overrides().flatMap(({ override }) => {
      const problems = checkOverride(override);
      if (!problems.length) return [override];
      this.log.warn({ override, problems }, 'dashboard rule override ignored');
      return [];
    });
    const windows = this.overlay.windows(this.now()).map(asOneOff);
    return resolveRules({
      config: { ...engine, maintenance: [...(engine.maintenance ?? []), ...windows] },
      dashboardRules,
      intervals,
      labels: { site: config.site.id },
      timezone: config.site.timezone ?? 'UTC',
    });
  }

  /** A config reload: the next tick resolves alerts of rules that no longer apply. The dashboard's layer stays. */
  setConfig(config: OutpostConfig): void {
    this.config = config;
    this.rules = this.resolve(config);
    this.forgetRemoved();
  }

  /**
   * Devices the engine polled (snmp or ping) that the config no longer names were removed on purpose: their
   * alerts resolve instead of turning into DeviceStale. Checked at start too (edited while stopped). SMART-push
   * hosts and Outpost itself were never in the config and never polled, so they stay.
   */
  private forgetRemoved(): void {
    const kept = new Set(this.config.devices.map((d) => d.name));
    const removed = Object.entries(this.state.devices)
      .filter(([name, dev]) => !kept.has(name) && (dev.probes.snmp !== undefined || dev.probes.ping !== undefined))
      .map(([name]) => name);
    if (removed.length) {
      this.log.info({ devices: removed }, 'devices removed from the config: their alerts resolve');
      this.apply({ kind: 'forget', devices: removed });
    }
  }

  /** After a dashboard change: re-resolve and tick at once, so a window or threshold takes effect now. */
  private changed(): void {
    this.rules = this.resolve(this.config);
    this.tick();
  }

  /** Config overrides, then dashboard overrides: the order they are applied in. */
  overrides(): RuleOverrideEntry[] {
    const config: RuleOverrideEntry[] = (this.config.alerts?.rules ?? []).map((o) => ({ ...o, source: 'config' }));
    const dashboard: RuleOverrideEntry[] = this.overlay.overrides().map((s) => ({ ...s.override, source: 'dashboard', setBy: s.setBy, setAt: s.setAt }));
    return [...config, ...dashboard];
  }

  /**
   * Throws AlertsConfigError (with body-relative paths) when the override is not one the config would accept, or
   * when the rule it leaves (levels it omits are inherited) would warn after critical. `deviceClass`: the class of
   * a device-scoped override's device, if known, to resolve what that device inherits.
   */
  setOverride(o: RuleOverride, user: string, deviceClass?: DeviceClass): RuleOverrideEntry {
    const problems = checkOverride(o);
    if (!problems.length) problems.push(...levelOrderAfter(o, this.overrides(), deviceClass));
    if (problems.length) throw new AlertsConfigError(problems);
    const s = this.overlay.setOverride(o, user, this.now());
    this.changed();
    return { ...s.override, source: 'dashboard', setBy: s.setBy, setAt: s.setAt };
  }

  deleteOverride(o: Pick<RuleOverride, 'rule' | 'device' | 'class'>): boolean {
    const gone = this.overlay.deleteOverride(o.rule, scopeOf(o));
    if (gone) this.changed();
    return gone;
  }

  /** Config windows (recurring ones included), then dashboard windows that have not ended. */
  maintenance(): MaintenanceEntry[] {
    const now = this.now();
    const tz = this.config.site.timezone ?? 'UTC';
    const config: MaintenanceEntry[] = (this.config.alerts?.maintenance ?? []).map((w) => ({ source: 'config', window: w, active: windowActive(resolveWindow(w, tz), now) }));
    return [...config, ...this.overlay.windows(now).map((w) => this.entry(w, now))];
  }

  /** Throws AlertsConfigError on a window that is over before it starts or already over. */
  addMaintenance(req: NewMaintenance, user: string): MaintenanceEntry {
    const now = this.now();
    const problems: Array<{ path: string; message: string }> = [];
    const start = req.start === undefined ? now : Date.parse(req.start);
    if (Number.isNaN(start)) problems.push({ path: 'start', message: `not a date: ${req.start}` });
    if ((req.end === undefined) === (req.duration === undefined)) problems.push({ path: 'end', message: 'give either end or duration' });
    const end = req.end !== undefined ? Date.parse(req.end) : req.duration !== undefined ? start + parseDuration(req.duration) : NaN;
    if (!problems.length && Number.isNaN(end)) problems.push({ path: 'end', message: `not a date: ${req.end}` });
    if (!problems.length && end <= start) problems.push({ path: 'end', message: 'the window must end after it starts' });
    if (!problems.length && end <= now) problems.push({ path: 'end', message: 'the window is already over' });
    if (problems.length) throw new AlertsConfigError(problems);
    const w = this.overlay.addWindow({ device: req.device, class: req.class, reason: req.reason, start, end, createdBy: user, createdAt: now });
    this.changed();
    return this.entry(w, this.now());
  }

  deleteMaintenance(id: number): StoredWindow | undefined {
    const w = this.overlay.window(id);
    if (w && this.overlay.deleteWindow(id)) this.changed();
    return w;
  }

  private entry(w: StoredWindow, now: number): MaintenanceEntry {
    return { id: w.id, source: 'dashboard', window: asOneOff(w), active: now >= w.start && now < w.end, createdBy: w.createdBy, createdAt: w.createdAt };
  }

  onEvents(fn: (events: AlertEvent[]) => void): void {
    this.listeners.push(fn);
  }

  private apply(input: EngineInput): AlertEvent[] {
    let events: AlertEvent[];
    try {
      ({ state: this.state, events } = step(this.state, input, this.now(), this.rules));
    } catch (err) {
      // An engine bug must not stop polling or storage; it is logged loudly and the input skipped.
      this.log.error({ err, input: input.kind }, 'alert engine step failed');
      return [];
    }
    if (events.length) {
      this.history.record(events);
      for (const fn of this.listeners) {
        try {
          fn(events);
        } catch (err) {
          this.log.error({ err }, 'alert listener failed');
        }
      }
    }
    return events;
  }

  sample(s: DeviceSample): AlertEvent[] {
    return this.apply({ kind: 'sample', sample: s });
  }

  tick(): AlertEvent[] {
    return this.apply({ kind: 'tick' });
  }

  ack(alertId: string, user: string, note: string): AlertEvent[] {
    return this.apply({ kind: 'ack', alertId, user, note });
  }

  silence(alertId: string, until: number, user: string): AlertEvent[] {
    return this.apply({ kind: 'silence', alertId, until, user });
  }

  active(): Alert[] {
    return this.history.activeAlerts();
  }

  rulesFor(device: string, cls: DeviceClass): EffectiveRule[] {
    return rulesForDevice(this.rules, device, cls);
  }

  /** Ticks fire `for` durations and stale alerts; every second keeps a debounced alert within ~1 s of its due time. */
  start(tickMs = 1000): void {
    this.timers.push(setInterval(() => this.tick(), tickMs));
    this.timers.push(setInterval(() => this.save(), 5 * 60_000));
    this.timers.push(setInterval(() => this.history.prune(this.now() - 365 * 86_400_000), 86_400_000));
    for (const t of this.timers) t.unref?.();
  }

  save(): void {
    try {
      this.history.saveState(this.state, this.now());
    } catch (err) {
      this.log.error({ err }, 'saving alert state failed');
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.save();
  }
}

import type Database from 'better-sqlite3';
import type { ProbeLogger } from '../../probes/types.js';
import type { OutpostConfig } from '../config/schema.js';
import { resolveDevices } from '../config/resolve.js';
import { step } from './engine.js';
import { resolveRules, rulesForDevice, type ResolvedRules } from './rules.js';
import { AlertHistory } from './history.js';
import type { DeviceSample, EngineInput, EngineState } from './types.js';
import type { Alert, AlertEvent, EffectiveRule } from './schema.js';
import type { DeviceClass } from '../../probes/types.js';

/**
 * The impure shell around the pure engine: feeds it samples and ticks with the real clock, persists its
 * events and state in SQLite, and hands events to listeners (SSE, notifier outbox). The engine itself stays
 * a step function (STYLE.md 10).
 */
export class AlertService {
  private state: EngineState;
  private rules: ResolvedRules;
  readonly history: AlertHistory;
  private readonly listeners: Array<(events: AlertEvent[]) => void> = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    db: Database.Database,
    config: OutpostConfig,
    private readonly log: ProbeLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.history = new AlertHistory(db);
    this.state = this.history.restore();
    this.rules = this.resolve(config);
  }

  private resolve(config: OutpostConfig): ResolvedRules {
    const intervals = Object.fromEntries(resolveDevices(config).filter((d) => d.snmp || d.ping).map((d) => [d.name, d.intervalMs]));
    const { notify: _n, heartbeat: _h, ...engine } = config.alerts ?? {};
    return resolveRules({ config: config.alerts ? engine : undefined, intervals, labels: { site: config.site.id }, timezone: config.site.timezone ?? 'UTC' });
  }

  /** A config reload: the next tick resolves alerts of rules that no longer apply. */
  setConfig(config: OutpostConfig): void {
    this.rules = this.resolve(config);
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

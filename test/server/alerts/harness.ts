import type { DeviceClass, FieldValue, Point } from '../../../probes/types.js';
import { emptyState, step } from '../../../server/alerts/engine.js';
import { resolveRules, type ResolvedRules, type RulesInput } from '../../../server/alerts/rules.js';
import type { Alert, AlertEvent, DeviceSample, EngineState } from '../../../server/alerts/types.js';

/** 2026-01-05 (a Monday) 10:02:07 UTC: the moment the UPS in DESIGN.md goes on battery. */
export const T0 = Date.UTC(2026, 0, 5, 10, 2, 7);
export const S = 1000;
export const MIN = 60_000;

export function pt(measurement: string, fields: Record<string, FieldValue>, tags: Record<string, string> = {}): Point {
  return { measurement, tags, fields };
}

/** Drives the engine the way the scheduler will, collecting events with times relative to T0. */
export class Harness {
  state: EngineState = emptyState();
  events: AlertEvent[] = [];
  rules: ResolvedRules;

  constructor(input: RulesInput = {}) {
    this.rules = resolveRules({ timezone: 'UTC', ...input });
  }

  sample(at: number, device: string, cls: DeviceClass, points: Point[], opts: { probe?: string; ok?: boolean; error?: string; parent?: string } = {}): AlertEvent[] {
    const sample: DeviceSample = { device, class: cls, probe: opts.probe ?? 'snmp', ok: opts.ok ?? true, points, time: T0 + at };
    if (opts.error !== undefined) sample.error = opts.error;
    if (opts.parent !== undefined) sample.parent = opts.parent;
    return this.run({ kind: 'sample', sample }, at);
  }

  tick(at: number): AlertEvent[] {
    return this.run({ kind: 'tick' }, at);
  }

  /** Ticks every `every` ms over [from, to], as the scheduler's timer would. */
  ticks(from: number, to: number, every = 5 * S): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (let t = from; t <= to; t += every) out.push(...this.tick(t));
    return out;
  }

  ack(at: number, alertId: string, user: string, note: string): AlertEvent[] {
    return this.run({ kind: 'ack', alertId, user, note }, at);
  }

  silence(at: number, alertId: string, until: number, user: string): AlertEvent[] {
    return this.run({ kind: 'silence', alertId, until: T0 + until, user }, at);
  }

  private run(input: Parameters<typeof step>[1], at: number): AlertEvent[] {
    const r = step(this.state, input, T0 + at, this.rules);
    this.state = r.state;
    this.events.push(...r.events);
    return r.events;
  }

  /** Active alerts, as the dashboard would list them. */
  active(): Alert[] {
    return Object.values(this.state.byId).map((k) => this.state.instances[k]!.alert!);
  }

  find(name: string, device: string): Alert | undefined {
    return this.active().find((a) => a.name === name && a.device === device);
  }
}

/** `[type, name, device, seconds after T0]`: compact enough to read a scenario's whole story in one line. */
export function brief(events: readonly AlertEvent[]): [string, string, string, number][] {
  return events.map((e) => [e.type, e.alert.name, e.alert.device, (e.at - T0) / S]);
}

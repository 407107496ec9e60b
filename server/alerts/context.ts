import type { DeviceClass, FieldValue } from '../../probes/types.js';
import { alertId, instanceKey } from './id.js';
import { activeWindow } from './maintenance.js';
import { deviceRules, type DeviceRules, type ResolvedRules } from './rules.js';
import type { Alert, AlertEvent, AlertEventType, EffectiveRule, Severity } from './schema.js';
import { renderTemplate } from './template.js';
import type { EngineState, InstanceState } from './types.js';

/**
 * One step's working set: the state being advanced, the rules, the step's `now` and the events produced.
 * Everything time-related reads `now` from here; nothing reads a clock.
 */
export class StepContext {
  readonly events: AlertEvent[] = [];

  constructor(
    readonly state: EngineState,
    readonly rules: ResolvedRules,
    readonly now: number,
  ) {}

  /** Events carry a copy: the state keeps changing after the event is handed out. */
  emit(type: AlertEventType, alert: Alert): void {
    this.events.push({ type, alert: structuredClone(alert), at: this.now });
  }

  rulesOf(device: string): DeviceRules | undefined {
    const dev = this.state.devices[device];
    return dev ? deviceRules(this.rules, device, dev.class) : undefined;
  }

  classOf(device: string): DeviceClass {
    return this.state.devices[device]?.class ?? 'unknown';
  }

  instance(rule: string, device: string, instance: string | undefined): { key: string; inst: InstanceState | undefined } {
    const key = instanceKey(rule, device, instance || undefined);
    return { key, inst: this.state.instances[key] };
  }

  createInstance(key: string, rule: string, device: string, instance: string | undefined): InstanceState {
    const inst: InstanceState = { id: alertId(rule, device, instance || undefined), rule, device, level: 'none', count: 0, lastSeen: this.now };
    if (instance) inst.instance = instance;
    this.state.instances[key] = inst;
    return inst;
  }

  /** Forget an instance once it has nothing left to remember, so healthy instances cost no memory. */
  dropIfIdle(key: string, inst: InstanceState): void {
    if (inst.alert || inst.level !== 'none' || inst.prev !== undefined) return;
    if (inst.changes?.some((t) => this.now - t < this.rules.flapping.windowMs)) return;
    delete this.state.instances[key];
    delete this.state.pending[key];
  }

  /** True when a maintenance window covers the device now. */
  inMaintenance(device: string): boolean {
    const r = this.rulesOf(device);
    return r ? activeWindow(r.windows, this.now) !== undefined : false;
  }

  /** Whether a firing event may go out now: not covered by a parent, a window or a silence. */
  notifiable(alert: Alert): boolean {
    return !alert.suppressedBy && !alert.maintenance && !(alert.silencedUntil !== undefined && alert.silencedUntil > this.now);
  }

  severityOf(rule: EffectiveRule, inst: InstanceState): Severity {
    if (inst.level === 'critical') return 'critical';
    if (inst.level === 'warning') return 'warning';
    return rule.severity ?? 'warning';
  }

  summary(rule: EffectiveRule, inst: InstanceState, severity: Severity, childrenSuppressed: number | undefined): string {
    const vars: Record<string, FieldValue | undefined> = { ...inst.vars, device: inst.device, instance: inst.instance, value: inst.value };
    const template = severity === 'critical' && rule.criticalSummary ? rule.criticalSummary : rule.summary;
    let text = renderTemplate(template, vars);
    if (childrenSuppressed) text += `, ${childrenSuppressed} ${childrenSuppressed === 1 ? 'device' : 'devices'} behind it`;
    return text;
  }

  /** A new alert for a raised instance; not yet active, emitted or counted. */
  createAlert(rule: EffectiveRule, inst: InstanceState): Alert {
    const severity = this.severityOf(rule, inst);
    const cls = this.classOf(inst.device);
    const labels: Record<string, string> = { ...this.rules.labels, alertname: rule.name, device: inst.device, class: cls, severity };
    if (inst.instance) {
      labels.instance = inst.instance;
      for (const t of rule.instanceTags) {
        const v = inst.vars?.[t];
        if (typeof v === 'string') labels[t] = v;
      }
    }
    const alert: Alert = {
      id: inst.id,
      rule: rule.name,
      name: rule.name,
      device: inst.device,
      class: cls,
      severity,
      summary: this.summary(rule, inst, severity, undefined),
      labels,
      startsAt: inst.since ?? this.now,
      flapping: false,
      notified: false,
    };
    if (inst.instance) alert.instance = inst.instance;
    if (inst.value !== undefined) alert.value = inst.value;
    return alert;
  }

  /** Re-render an active alert after its value, severity or dependants changed. */
  refresh(rule: EffectiveRule, inst: InstanceState, alert: Alert): void {
    if (inst.value !== undefined) alert.value = inst.value;
    alert.summary = this.summary(rule, inst, alert.severity, alert.childrenSuppressed);
  }

  /** Make an alert active: indexed by id, and counted as a state change for flap detection. */
  activate(key: string, inst: InstanceState, alert: Alert): void {
    inst.alert = alert;
    this.state.byId[alert.id] = key;
    delete this.state.pending[key];
    this.recordChange(inst);
  }

  /** Remember a fire/resolve transition; returns how many happened within the flapping window. */
  recordChange(inst: InstanceState): number {
    const windowMs = this.rules.flapping.windowMs;
    const changes = (inst.changes ?? []).filter((t) => this.now - t < windowMs);
    changes.push(this.now);
    inst.changes = changes;
    return changes.length;
  }
}

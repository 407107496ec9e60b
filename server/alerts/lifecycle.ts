import type { FieldValue } from '../../probes/types.js';
import type { StepContext } from './context.js';
import { adopt, alertById, decide, detachFromRoot, onRecovered, ready, suppressUnder } from './dependencies.js';
import type { Alert, EffectiveRule } from './schema.js';
import type { InstanceState, LevelName } from './types.js';

/**
 * The per-instance state machine: ok → pending (polls / `for`) → firing → resolved, with flap damping,
 * parent suppression and maintenance folded in. Every transition goes through here so the rules for what
 * is emitted live in one place.
 */

/** Feed one observation (the level the data says) to an instance. */
export function observe(ctx: StepContext, key: string, inst: InstanceState, rule: EffectiveRule, level: LevelName, value?: FieldValue, vars?: Record<string, FieldValue>): void {
  const now = ctx.now;
  inst.lastSeen = now;
  const before = inst.level;
  if (level === 'none') {
    inst.count = 0;
    inst.level = 'none';
    delete inst.since;
    delete inst.vars;
    delete ctx.state.pending[key];
    if (before !== 'none') {
      inst.lastChange = now;
      if (rule.parentSuppresses) onRecovered(ctx, inst.device, rule);
    }
    if (inst.alert) clearAlert(ctx, key, inst, rule);
    else ctx.dropIfIdle(key, inst);
  } else {
    if (before === 'none') {
      inst.since = now;
      inst.count = 0;
      inst.lastChange = now;
    }
    inst.count++;
    inst.level = level;
    if (value !== undefined) inst.value = value;
    if (vars) inst.vars = vars;
    if (inst.alert) updateAlert(ctx, inst, rule);
    else tryFire(ctx, key, inst, rule);
  }
  if (inst.alert?.flapping) checkFlapEnd(ctx, key, inst, rule);
}

/** Fire once polls and `for` are satisfied; otherwise stay pending (a tick may fire it later). */
export function tryFire(ctx: StepContext, key: string, inst: InstanceState, rule: EffectiveRule): void {
  if (inst.count < rule.polls) return;
  if (ctx.now - (inst.since ?? ctx.now) < rule.forMs) {
    ctx.state.pending[key] = true;
    return;
  }
  delete ctx.state.pending[key];
  if (rule.parentSuppresses) {
    const d = decide(ctx, inst.device, rule);
    if (d.kind === 'hold') return;
    if (d.kind === 'suppress') {
      suppressUnder(ctx, key, inst, rule, d.root);
      return;
    }
  }
  fire(ctx, key, inst, rule);
}

export function fire(ctx: StepContext, key: string, inst: InstanceState, rule: EffectiveRule): void {
  const alert = ctx.createAlert(rule, inst);
  ctx.activate(key, inst, alert);
  let adopted: Alert[] = [];
  if (rule.parentSuppresses) {
    const r = adopt(ctx, inst, rule);
    if (r.count) {
      alert.childrenSuppressed = r.count;
      ctx.refresh(rule, inst, alert);
    }
    adopted = r.newly;
  }
  if (ctx.inMaintenance(inst.device)) {
    alert.maintenance = true;
    ctx.emit('suppressed', alert);
  } else {
    alert.notified = true;
    ctx.emit('firing', alert);
  }
  for (const a of adopted) ctx.emit('suppressed', a);
}

/** New data for an active alert that is still raised: value, severity, suppression, maintenance. */
function updateAlert(ctx: StepContext, inst: InstanceState, rule: EffectiveRule): void {
  const alert = inst.alert!;
  alert.class = ctx.classOf(inst.device);
  const severity = ctx.severityOf(rule, inst);
  if (severity !== alert.severity) {
    alert.severity = severity;
    alert.labels = { ...alert.labels, severity };
    ctx.refresh(rule, inst, alert);
    // Escalation pages again; de-escalation is news, not a page.
    if (severity === 'critical' && ctx.notifiable(alert)) {
      alert.notified = true;
      ctx.emit('firing', alert);
    } else {
      ctx.emit('updated', alert);
    }
  } else {
    ctx.refresh(rule, inst, alert);
  }
  if (rule.parentSuppresses && alert.suppressedBy && !alertById(ctx, alert.suppressedBy) && ready(ctx, inst, rule)) {
    // Its root recovered but this child still fails on its own: re-decide as if it had just become ready.
    const d = decide(ctx, inst.device, rule);
    if (d.kind === 'suppress') {
      suppressUnder(ctx, ctx.state.byId[alert.id]!, inst, rule, d.root);
    } else if (d.kind === 'fire') {
      delete alert.suppressedBy;
      if (ctx.notifiable(alert)) {
        alert.notified = true;
        ctx.emit('firing', alert);
      }
    }
  }
  syncMaintenance(ctx, alert);
}

/** Keep the maintenance mark current; an alert that fired inside a window pages once the window ends. */
export function syncMaintenance(ctx: StepContext, alert: Alert): void {
  if (ctx.inMaintenance(alert.device)) {
    // A window starting over an alert already active is news for the dashboard (it stops paging), not a page.
    if (!alert.maintenance) {
      alert.maintenance = true;
      ctx.emit('updated', alert);
    }
    return;
  }
  if (!alert.maintenance) return;
  delete alert.maintenance;
  if (!alert.notified && ctx.notifiable(alert)) {
    alert.notified = true;
    ctx.emit('firing', alert);
  } else {
    ctx.emit('updated', alert);
  }
}

/** The condition cleared: resolve, unless the alert has changed state too often lately (then hold it). */
function clearAlert(ctx: StepContext, key: string, inst: InstanceState, rule: EffectiveRule): void {
  const alert = inst.alert!;
  if (alert.flapping) return;
  if (ctx.recordChange(inst) > ctx.rules.flapping.changes) {
    alert.flapping = true;
    ctx.refresh(rule, inst, alert);
    ctx.emit('flapping', alert);
    return;
  }
  resolve(ctx, key, inst);
}

export function resolve(ctx: StepContext, key: string, inst: InstanceState): void {
  const alert = inst.alert!;
  alert.endsAt = ctx.now;
  alert.flapping = false;
  ctx.emit('resolved', alert);
  detachFromRoot(ctx, alert);
  delete inst.alert;
  delete ctx.state.byId[alert.id];
  delete ctx.state.pending[key];
  ctx.dropIfIdle(key, inst);
}

/** A flapping alert that has been quiet for `stable`: resolve it if healthy, else it is plainly firing again. */
export function checkFlapEnd(ctx: StepContext, key: string, inst: InstanceState, rule: EffectiveRule): void {
  const alert = inst.alert;
  if (!alert?.flapping) return;
  if (ctx.now - (inst.lastChange ?? 0) < ctx.rules.flapping.stableMs) return;
  alert.flapping = false;
  inst.changes = [];
  if (inst.level === 'none') {
    resolve(ctx, key, inst);
  } else {
    ctx.refresh(rule, inst, alert);
    ctx.emit('updated', alert);
  }
}

/** The rule no longer applies (disabled, device reclassified): resolve and forget the instance. */
export function retire(ctx: StepContext, key: string, inst: InstanceState): void {
  if (inst.alert) resolve(ctx, key, inst);
  delete ctx.state.instances[key];
  delete ctx.state.pending[key];
}

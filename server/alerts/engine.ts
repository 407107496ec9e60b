import type { Point } from '../../probes/types.js';
import { StepContext } from './context.js';
import { instanceOf, nextLevel, pickValue, whenHolds, whereMatches } from './evaluate.js';
import { checkFlapEnd, observe, retire, syncMaintenance, tryFire } from './lifecycle.js';
import { deviceRules, type DeviceRules, type ResolvedRules } from './rules.js';
import type { Alert, EffectiveRule } from './schema.js';
import { checkStale, clearStale, staleAfter } from './stale.js';
import type { DeviceSample, DeviceState, EngineInput, EngineState, ProbeState, StepResult } from './types.js';

/**
 * The alert engine: `step(state, input, now, rules) → { state, events }`. Deterministic: no clock, no I/O,
 * no randomness; time is `now`. The state is advanced in place and returned (the caller hands it over, as
 * with a reducer that owns its store): copying every instance on every sample would cost O(all alerts) per
 * sample on a Pi polling hundreds of devices. A sample costs O(rules of its measurements × points).
 */
export function step(state: EngineState, input: EngineInput, now: number, rules: ResolvedRules): StepResult {
  const ctx = new StepContext(state, rules, now);
  switch (input.kind) {
    case 'sample':
      onSample(ctx, input.sample);
      break;
    case 'tick':
      onTick(ctx);
      break;
    case 'ack':
      onAck(ctx, input.alertId, input.user, input.note);
      break;
    case 'silence':
      onSilence(ctx, input.alertId, input.until, input.user);
      break;
    case 'forget':
      onForget(ctx, input.devices);
      break;
  }
  return { state, events: ctx.events };
}

export function emptyState(): EngineState {
  return { version: 1, devices: {}, instances: {}, byId: {}, children: {}, pending: {} };
}

/** Probes whose answer says whether the device is reachable. Traps are unsolicited; SMART is pushed by agents. */
function isReachabilityProbe(probe: string): boolean {
  return probe !== 'trap' && probe !== 'smart';
}

function onSample(ctx: StepContext, s: DeviceSample): void {
  const dev = touchDevice(ctx, s);
  const r = deviceRules(ctx.rules, s.device, dev.class);
  const now = ctx.now;
  if (s.probe !== 'trap') {
    const prev = dev.probes[s.probe];
    const ps: ProbeState = { ok: s.ok, at: now };
    const gap = prev ? now - prev.at : undefined;
    // The smallest gap seen is the cadence: one long gap (outage, restart) must not stretch staleness.
    const best = gap !== undefined && gap > 0 ? Math.min(gap, prev?.gap ?? gap) : prev?.gap;
    if (best !== undefined) ps.gap = best;
    if (s.error) ps.error = s.error;
    dev.probes[s.probe] = ps;
    dev.lastSample = now;
    clearStale(ctx, r.deviceStale, s.device, undefined);
  }
  if (isReachabilityProbe(s.probe)) {
    let reachable = false;
    for (const name in dev.probes) if (isReachabilityProbe(name) && dev.probes[name]!.ok) reachable = true;
    dev.reachable = reachable;
    const rulesForAvailability = r.byMeasurement.get('availability');
    if (rulesForAvailability) {
      // Availability is the device's, not one probe's: up while any polling probe answers.
      const p: Point = { measurement: 'availability', tags: {}, fields: { up: reachable, error: reachable ? 'ok' : (s.error ?? 'no answer') } };
      for (const rule of rulesForAvailability) evaluatePoint(ctx, dev, s.device, rule, p);
    }
  }
  for (const p of s.points) {
    if (p.measurement === 'availability') continue;
    markSeen(ctx, dev, r, s.device, p.measurement);
    const list = r.byMeasurement.get(p.measurement);
    if (!list) continue;
    for (const rule of list) {
      if (!s.ok && !rule.failedSamples) continue;
      evaluatePoint(ctx, dev, s.device, rule, p);
    }
  }
}

/**
 * A device removed from the config is not a device gone silent: resolve what it had raised and drop what the
 * engine remembers of it, so no DeviceStale follows a deliberate removal. O(instances), on reloads only.
 */
function onForget(ctx: StepContext, devices: string[]): void {
  const gone = new Set(devices);
  for (const key in ctx.state.instances) {
    const inst = ctx.state.instances[key]!;
    if (gone.has(inst.device)) retire(ctx, key, inst);
  }
  const children = ctx.state.children;
  for (const name of gone) {
    const dev = ctx.state.devices[name];
    if (!dev) continue;
    if (dev.parent !== undefined) {
      const left = (children[dev.parent] ?? []).filter((c) => c !== name);
      if (left.length) children[dev.parent] = left;
      else delete children[dev.parent];
    }
    // Its children stay: they report their own (new) parent with their next sample.
    delete ctx.state.devices[name];
  }
}

function touchDevice(ctx: StepContext, s: DeviceSample): DeviceState {
  let dev = ctx.state.devices[s.device];
  if (!dev) {
    dev = { class: s.class, probes: {}, seen: {} };
    ctx.state.devices[s.device] = dev;
  }
  // Traps come from a listener that may not know the inventory; topology and class come from polls.
  if (s.probe === 'trap') return dev;
  dev.class = s.class;
  if (dev.parent !== s.parent) {
    const children = ctx.state.children;
    if (dev.parent !== undefined) {
      const left = (children[dev.parent] ?? []).filter((c) => c !== s.device);
      if (left.length) children[dev.parent] = left;
      else delete children[dev.parent];
    }
    if (s.parent !== undefined && s.parent !== s.device) (children[s.parent] ??= []).push(s.device);
    if (s.parent !== undefined && s.parent !== s.device) dev.parent = s.parent;
    else delete dev.parent;
  }
  return dev;
}

function markSeen(ctx: StepContext, dev: DeviceState, r: DeviceRules, device: string, measurement: string): void {
  const seen = dev.seen[measurement];
  if (!seen) {
    dev.seen[measurement] = { at: ctx.now };
    return;
  }
  if (seen.at >= ctx.now) return;
  const gap = ctx.now - seen.at;
  seen.gap = seen.gap === undefined ? gap : Math.min(seen.gap, gap);
  seen.at = ctx.now;
  clearStale(ctx, r.metricStale, device, measurement);
}

function evaluatePoint(ctx: StepContext, dev: DeviceState, device: string, rule: EffectiveRule, p: Point): void {
  if (!whereMatches(rule, p.tags)) return;
  const instance = instanceOf(rule, p);
  if (instance === undefined) return;
  let value = pickValue(rule, p.fields);
  if (value === undefined) return;
  const found = ctx.instance(rule.name, device, instance);
  const key = found.key;
  let inst = found.inst;
  if (rule.delta) {
    if (typeof value !== 'number') return;
    const prev = inst?.prev;
    inst ??= ctx.createInstance(key, rule.name, device, instance);
    inst.prev = value;
    if (prev === undefined) return;
    // A counter that went backwards restarted from zero: everything it holds is new.
    value = value >= prev ? value - prev : value;
  }
  const guard = whenHolds(rule, p.fields);
  const level = guard ? nextLevel(rule, value, inst?.level ?? 'none') : 'none';
  if (rule.requireOkFirst) {
    if (level === 'none' && guard) {
      const armed = ((dev.armed ??= {})[rule.name] ??= {});
      armed[instance] = 1;
    } else if (!dev.armed?.[rule.name]?.[instance]) {
      return;
    }
  }
  // The common case: healthy and nothing remembered. No allocation.
  if (level === 'none' && !inst) return;
  inst ??= ctx.createInstance(key, rule.name, device, instance);
  // The device class is a template variable unless the point has its own `class` tag (sensor class).
  const vars = level === 'none' ? undefined : { class: ctx.classOf(device), ...p.tags, ...p.fields };
  observe(ctx, key, inst, rule, level, value, vars);
}

function onTick(ctx: StepContext): void {
  const state = ctx.state;
  for (const key of Object.keys(state.pending)) {
    const inst = state.instances[key];
    const rule = inst && ctx.rulesOf(inst.device)?.byName.get(inst.rule);
    if (!inst || !rule?.enabled || inst.level === 'none' || inst.alert) {
      delete state.pending[key];
      continue;
    }
    // Data stopped: nobody knows whether the condition still holds, so `for` cannot be said to have elapsed.
    if (ctx.now - inst.lastSeen > staleAfter(ctx, inst.device)) continue;
    tryFire(ctx, key, inst, rule);
  }
  for (const name of Object.keys(state.devices)) checkStale(ctx, name, state.devices[name]!);
  for (const [id, key] of Object.entries(state.byId)) {
    const inst = state.instances[key];
    const alert = inst?.alert;
    if (!inst || !alert) {
      delete state.byId[id];
      continue;
    }
    const rule = ctx.rulesOf(inst.device)?.byName.get(inst.rule);
    if (!rule?.enabled) {
      retire(ctx, key, inst);
      continue;
    }
    if (alert.silencedUntil !== undefined && alert.silencedUntil <= ctx.now) liftSilence(ctx, alert);
    syncMaintenance(ctx, alert);
    checkFlapEnd(ctx, key, inst, rule);
  }
}

function onAck(ctx: StepContext, id: string, user: string, note: string): void {
  const alert = activeAlert(ctx, id);
  if (!alert) return;
  alert.ack = { user, note, at: ctx.now };
  ctx.emit('acknowledged', alert);
}

function onSilence(ctx: StepContext, id: string, until: number, user: string): void {
  const alert = activeAlert(ctx, id);
  if (!alert) return;
  if (until <= ctx.now) {
    if (alert.silencedUntil !== undefined) liftSilence(ctx, alert);
    return;
  }
  alert.silencedUntil = until;
  alert.silencedBy = user;
  ctx.emit('silenced', alert);
}

/** A silence ended with the alert still active: page again, as Alertmanager does when a silence expires. */
function liftSilence(ctx: StepContext, alert: Alert): void {
  delete alert.silencedUntil;
  delete alert.silencedBy;
  if (ctx.notifiable(alert)) {
    alert.notified = true;
    ctx.emit('firing', alert);
  } else {
    ctx.emit('updated', alert);
  }
}

function activeAlert(ctx: StepContext, id: string): Alert | undefined {
  const key = ctx.state.byId[id];
  return key === undefined ? undefined : ctx.state.instances[key]?.alert;
}

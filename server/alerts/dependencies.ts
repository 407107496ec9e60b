import type { StepContext } from './context.js';
import { instanceKey } from './id.js';
import type { Alert, EffectiveRule } from './schema.js';
import type { InstanceState } from './types.js';

/**
 * Parent/child suppression (DESIGN: "one alert for the switch, not one per device behind it"). Only rules
 * marked `parentSuppresses` (DeviceUnreachable) take part, and a parent counts as down through its own
 * instance of the same rule. The top-most firing ancestor is the root: children point at it with
 * `suppressedBy` and it counts them in `childrenSuppressed`.
 */

export type Decision = { kind: 'fire' } | { kind: 'hold' } | { kind: 'suppress'; root: Alert };

/** Guards against a parent loop in a bad config; real sites are a handful of levels deep. */
const MAX_DEPTH = 64;

/**
 * What a child whose condition is met should do. A firing (or suppressed) ancestor → suppress under the
 * root. An ancestor that is failing but not yet firing → hold, so the child does not page seconds before
 * its parent would have covered it. Otherwise fire.
 */
export function decide(ctx: StepContext, device: string, rule: EffectiveRule): Decision {
  let held = false;
  const seen = new Set<string>([device]);
  let p = ctx.state.devices[device]?.parent;
  while (p !== undefined && !seen.has(p) && seen.size < MAX_DEPTH) {
    seen.add(p);
    const inst = ctx.state.instances[instanceKey(rule.name, p, undefined)];
    if (inst?.alert) return { kind: 'suppress', root: rootOf(ctx, inst.alert) };
    if (inst && inst.level !== 'none') held = true;
    p = ctx.state.devices[p]?.parent;
  }
  return held ? { kind: 'hold' } : { kind: 'fire' };
}

function rootOf(ctx: StepContext, alert: Alert): Alert {
  if (!alert.suppressedBy) return alert;
  return alertById(ctx, alert.suppressedBy) ?? alert;
}

export function alertById(ctx: StepContext, id: string): Alert | undefined {
  const key = ctx.state.byId[id];
  return key === undefined ? undefined : ctx.state.instances[key]?.alert;
}

/** Ready to alert on its own: raised for enough polls and long enough. */
export function ready(ctx: StepContext, inst: InstanceState, rule: EffectiveRule): boolean {
  return inst.level !== 'none' && inst.count >= rule.polls && ctx.now - (inst.since ?? ctx.now) >= rule.forMs;
}

/** Suppress one child under `root` (creating its alert if it had none) and count it there. */
export function suppressUnder(ctx: StepContext, key: string, inst: InstanceState, rule: EffectiveRule, root: Alert): void {
  const rootKey = ctx.state.byId[root.id];
  const rootInst = rootKey === undefined ? undefined : ctx.state.instances[rootKey];
  let alert = inst.alert;
  if (!alert) {
    alert = ctx.createAlert(rule, inst);
    alert.suppressedBy = root.id;
    ctx.activate(key, inst, alert);
    ctx.emit('suppressed', alert);
  } else if (alert.suppressedBy !== root.id) {
    const wasFree = !alert.suppressedBy;
    alert.suppressedBy = root.id;
    if (wasFree) ctx.emit('suppressed', alert);
  }
  root.childrenSuppressed = (root.childrenSuppressed ?? 0) + 1;
  if (rootInst) {
    const rootRule = ctx.rulesOf(rootInst.device)?.byName.get(rootInst.rule) ?? rule;
    ctx.refresh(rootRule, rootInst, root);
  }
  ctx.emit('updated', root);
}

/**
 * A root just fired: take over every failing descendant, including ones that fired before the root was
 * noticed and ones already suppressed under a lower root. Returns the count and the alerts newly suppressed
 * (their events go out after the root's own firing event).
 */
export function adopt(ctx: StepContext, rootInst: InstanceState, rule: EffectiveRule): { count: number; newly: Alert[] } {
  const root = rootInst.alert;
  const out = { count: 0, newly: [] as Alert[] };
  if (!root) return out;
  const seen = new Set<string>([rootInst.device]);
  const stack = [...(ctx.state.children[rootInst.device] ?? [])];
  while (stack.length) {
    const d = stack.pop()!;
    if (seen.has(d) || seen.size > 10_000) continue;
    seen.add(d);
    const { key, inst } = ctx.instance(rule.name, d, undefined);
    // A descendant that answers is not cut off by the root, and neither is its subtree.
    if (!inst || (inst.level === 'none' && !inst.alert)) continue;
    const childRule = ctx.rulesOf(d)?.byName.get(rule.name);
    if (inst.alert) {
      if (inst.alert.suppressedBy !== root.id) {
        const wasFree = !inst.alert.suppressedBy;
        inst.alert.suppressedBy = root.id;
        delete inst.alert.childrenSuppressed;
        if (childRule) ctx.refresh(childRule, inst, inst.alert);
        if (wasFree) out.newly.push(inst.alert);
      }
      out.count++;
    } else if (childRule?.enabled && ready(ctx, inst, childRule)) {
      const alert = ctx.createAlert(childRule, inst);
      alert.suppressedBy = root.id;
      ctx.activate(key, inst, alert);
      out.newly.push(alert);
      out.count++;
    }
    for (const c of ctx.state.children[d] ?? []) stack.push(c);
  }
  return out;
}

/** A suppressed child went away: the root's count (and summary) follow, without a page. */
export function detachFromRoot(ctx: StepContext, alert: Alert): void {
  if (!alert.suppressedBy) return;
  const key = ctx.state.byId[alert.suppressedBy];
  const rootInst = key === undefined ? undefined : ctx.state.instances[key];
  const root = rootInst?.alert;
  if (!rootInst || !root?.childrenSuppressed) return;
  root.childrenSuppressed--;
  const rootRule = ctx.rulesOf(rootInst.device)?.byName.get(rootInst.rule);
  if (rootRule) ctx.refresh(rootRule, rootInst, root);
}

/**
 * A device answers again: everything behind it must fail `polls` fresh times before alerting, because their
 * last failures were caused by this device and they may still be booting.
 */
export function onRecovered(ctx: StepContext, device: string, rule: EffectiveRule): void {
  const seen = new Set<string>([device]);
  const stack = [...(ctx.state.children[device] ?? [])];
  while (stack.length) {
    const d = stack.pop()!;
    if (seen.has(d) || seen.size > 10_000) continue;
    seen.add(d);
    const inst = ctx.state.instances[instanceKey(rule.name, d, undefined)];
    if (inst && inst.level !== 'none') inst.count = 0;
    for (const c of ctx.state.children[d] ?? []) stack.push(c);
  }
}

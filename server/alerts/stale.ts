import type { FieldValue } from '../../probes/types.js';
import type { StepContext } from './context.js';
import { fire, observe } from './lifecycle.js';
import { deviceRules, intervalFor } from './rules.js';
import type { EffectiveRule } from './schema.js';
import type { DeviceState } from './types.js';

/**
 * Stale data. "No data" is an alert of its own and never a recovery: the alerts of a device that went
 * silent keep the state they had, and only fresh data may resolve them.
 */

/** The device's fastest observed cadence, for devices whose interval the config does not give. */
export function learnedInterval(dev: DeviceState): number | undefined {
  let best: number | undefined;
  for (const name in dev.probes) {
    const g = dev.probes[name]!.gap;
    if (g !== undefined && (best === undefined || g < best)) best = g;
  }
  return best;
}

/** How old an instance's last data may be while a tick is still allowed to fire its `for`. */
export function staleAfter(ctx: StepContext, device: string): number {
  const dev = ctx.state.devices[device];
  const r = ctx.rulesOf(device);
  const intervals = r?.deviceStale?.intervals ?? 3;
  return intervals * intervalFor(ctx.rules, device, dev ? learnedInterval(dev) : undefined);
}

/** Tick: raise DeviceStale / MetricStale where data stopped. O(devices × measurements). */
export function checkStale(ctx: StepContext, name: string, dev: DeviceState): void {
  const r = deviceRules(ctx.rules, name, dev.class);
  const interval = intervalFor(ctx.rules, name, learnedInterval(dev));
  let deviceStale = false;
  if (dev.lastSample !== undefined) {
    const age = ctx.now - dev.lastSample;
    deviceStale = age > (r.deviceStale?.intervals ?? 3) * interval;
    if (deviceStale && r.deviceStale) raise(ctx, r.deviceStale, name, undefined, dev.lastSample, { age });
  }
  const ms = r.metricStale;
  // A silent or unreachable device already has its one alert; a missing table on top would be noise.
  if (!ms || deviceStale || dev.reachable === false) return;
  for (const m in dev.seen) {
    const seen = dev.seen[m]!;
    // Seen once, its cadence is unknown: an hourly SMART push must not look stale after three SNMP polls.
    if (seen.gap === undefined) continue;
    const age = ctx.now - seen.at;
    if (age > (ms.intervals ?? 3) * Math.max(interval, seen.gap ?? 0)) raise(ctx, ms, name, m, seen.at, { age, reason: reason(dev) });
  }
}

/** Data arrived: a stale alert for it (if any) clears. */
export function clearStale(ctx: StepContext, rule: EffectiveRule | undefined, device: string, instance: string | undefined): void {
  if (!rule) return;
  const { key, inst } = ctx.instance(rule.name, device, instance);
  if (inst && inst.level !== 'none') observe(ctx, key, inst, rule, 'none');
}

function raise(ctx: StepContext, rule: EffectiveRule, device: string, instance: string | undefined, since: number, vars: Record<string, FieldValue>): void {
  const { key, inst } = ctx.instance(rule.name, device, instance);
  if (inst?.alert) {
    inst.vars = vars;
    ctx.refresh(rule, inst, inst.alert);
    return;
  }
  const i = inst ?? ctx.createInstance(key, rule.name, device, instance);
  i.level = rule.severity ?? 'warning';
  i.since = since;
  i.count = 1;
  i.vars = vars;
  i.lastChange = ctx.now;
  fire(ctx, key, i, rule);
}

/** " (snmp: auth)": why a measurement may be missing, from the probes that failed last. */
function reason(dev: DeviceState): string {
  const failing: string[] = [];
  for (const name in dev.probes) {
    const p = dev.probes[name]!;
    if (!p.ok) failing.push(`${name}: ${p.error ?? 'no answer'}`);
  }
  return failing.length ? ` (${failing.join(', ')})` : '';
}

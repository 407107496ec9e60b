import type { DeviceClass } from '../../probes/types.js';
import { DEFAULT_RULES } from './default-rules.js';
import { parseDuration } from './duration.js';
import { resolveWindow, windowCovers, type ResolvedWindow } from './maintenance.js';
import {
  isStaleRule,
  type AlertEngineConfig,
  type EffectiveLevel,
  type EffectiveRule,
  type Level,
  type Origin,
  type OverrideSource,
  type Rule,
  type RuleOverride,
} from './schema.js';

/** Everything the engine needs besides its state; built once per config load, swapped on reload. */
export interface RulesInput {
  /** The `alerts:` keys the engine reads (overrides, maintenance, flapping), already schema-validated. */
  config?: AlertEngineConfig;
  /**
   * Overrides set from the dashboard, applied after the config's at each layer (so at the same scope they
   * win) and marked `source: 'dashboard'`. The caller validates them one by one (checkOverride) and leaves
   * out any that no longer make sense, so an upgrade that renames a rule cannot stop the engine.
   */
  dashboardRules?: readonly RuleOverride[];
  /** The rule pack; the default pack unless a test or a future plugin brings its own. */
  rules?: readonly Rule[];
  /** Poll interval per device, ms: staleness is counted in intervals. */
  intervals?: Record<string, number>;
  /** For devices missing from `intervals` before their own cadence has been observed. */
  defaultIntervalMs?: number;
  /** Zone of recurring maintenance windows that do not name one. */
  timezone?: string;
  /** Labels every alert carries, e.g. `{ site: 'acme-dental' }`. */
  labels?: Record<string, string>;
}

export interface FlapSettings {
  changes: number;
  windowMs: number;
  stableMs: number;
}

/** Overrides of one rule, split by layer so resolution is a lookup, not a scan of the whole list. */
interface OverrideLayers {
  site: SourcedOverride[];
  class: Map<DeviceClass, SourcedOverride[]>;
  device: Map<string, SourcedOverride[]>;
}

interface SourcedOverride {
  o: RuleOverride;
  source: OverrideSource;
}

/** One device's view of the rules, cached: the engine looks it up on every sample. */
export interface DeviceRules {
  all: EffectiveRule[];
  /** Enabled threshold rules by measurement: a sample costs O(rules of its measurements), not O(all rules). */
  byMeasurement: Map<string, EffectiveRule[]>;
  byName: Map<string, EffectiveRule>;
  deviceStale?: EffectiveRule;
  metricStale?: EffectiveRule;
  windows: ResolvedWindow[];
}

export interface ResolvedRules {
  readonly rules: readonly Rule[];
  readonly byName: ReadonlyMap<string, Rule>;
  readonly overrides: ReadonlyMap<string, OverrideLayers>;
  readonly maintenance: readonly ResolvedWindow[];
  readonly flapping: FlapSettings;
  readonly intervals: ReadonlyMap<string, number>;
  readonly defaultIntervalMs: number;
  readonly timezone: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Memo of deviceRules(); its content depends only on the fields above. */
  readonly cache: Map<string, DeviceRules>;
  /** Same as the free function rulesForDevice(this, device, cls), for callers holding only the rules. */
  rulesForDevice(device: string, cls: DeviceClass): EffectiveRule[];
}

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Thrown by resolveRules when the config is schema-valid but means something impossible. */
export class AlertsConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'AlertsConfigError';
  }
}

export const DEFAULT_FLAPPING: FlapSettings = { changes: 4, windowMs: 30 * 60_000, stableMs: 15 * 60_000 };

/**
 * Checks what a schema cannot: override names a rule that exists, a threshold has the rule's value type, a
 * stale rule is not given thresholds, windows are in order. Paths are config paths, for check-config.
 */
export function checkAlertsConfig(config: AlertEngineConfig, rules: readonly Rule[] = DEFAULT_RULES, timezone = 'UTC'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byName = new Map(rules.map((r) => [r.name, r]));
  (config.rules ?? []).forEach((o, i) => {
    const path = `alerts.rules[${i}]`;
    const rule = byName.get(o.rule);
    if (!rule) {
      problems.push({ path: `${path}.rule`, message: `unknown rule ${o.rule}; known: ${[...byName.keys()].join(', ')}` });
      return;
    }
    if (isStaleRule(rule)) {
      for (const k of ['warn', 'critical', 'for', 'polls'] as const) {
        if (o[k] !== undefined) problems.push({ path: `${path}.${k}`, message: `${o.rule} has no thresholds; it can only be disabled` });
      }
      return;
    }
    const sample = rule.warn?.value ?? rule.critical?.value;
    for (const k of ['warn', 'critical'] as const) {
      const l = o[k];
      if (!l || sample === undefined) continue;
      if (typeof l.value !== typeof sample) problems.push({ path: `${path}.${k}.value`, message: `${o.rule} compares ${typeof sample} values, got ${JSON.stringify(l.value)}` });
      if (l.clear !== undefined && typeof l.clear !== typeof sample) problems.push({ path: `${path}.${k}.clear`, message: `${o.rule} compares ${typeof sample} values, got ${JSON.stringify(l.clear)}` });
      // Hysteresis holds the level while `value op clear`: a clear beyond the threshold would drop the alert
      // at a reading that still breaches it, so it would fire and resolve on every poll.
      else if (typeof l.clear === 'number' && typeof l.value === 'number') {
        if (rule.op === '>' && l.clear > l.value) problems.push({ path: `${path}.${k}.clear`, message: `${o.rule} fires above ${l.value}; clear must be at or below it, got ${l.clear}` });
        if (rule.op === '<' && l.clear < l.value) problems.push({ path: `${path}.${k}.clear`, message: `${o.rule} fires below ${l.value}; clear must be at or above it, got ${l.clear}` });
      }
    }
    if (o.warn && o.critical) for (const p of levelOrderProblems(rule, o.warn.value, o.critical.value)) problems.push({ path: `${path}.${p.path}`, message: p.message });
  });
  (config.maintenance ?? []).forEach((w, i) => {
    try {
      resolveWindow(w, timezone);
    } catch (err) {
      const [key, ...rest] = (err as Error).message.split(': ');
      problems.push({ path: `alerts.maintenance[${i}].${key}`, message: rest.join(': ') });
    }
  });
  return problems;
}

/** Pure: config in, ResolvedRules out. Throws AlertsConfigError (all problems at once) on a bad config. */
export function resolveRules(input: RulesInput = {}): ResolvedRules {
  const rules = input.rules ?? DEFAULT_RULES;
  const config = input.config ?? {};
  const timezone = input.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const problems = checkAlertsConfig(config, rules, timezone);
  if (problems.length) throw new AlertsConfigError(problems);

  const overrides = new Map<string, OverrideLayers>();
  const sourced: SourcedOverride[] = [
    ...(config.rules ?? []).map((o) => ({ o, source: 'config' as const })),
    ...(input.dashboardRules ?? []).map((o) => ({ o, source: 'dashboard' as const })),
  ];
  for (const so of sourced) {
    const o = so.o;
    let layers = overrides.get(o.rule);
    if (!layers) overrides.set(o.rule, (layers = { site: [], class: new Map(), device: new Map() }));
    if (o.device !== undefined) push(layers.device, o.device, so);
    else if (o.class !== undefined) push(layers.class, o.class, so);
    else layers.site.push(so);
  }
  const f = config.flapping ?? {};
  const resolved: ResolvedRules = {
    rules,
    byName: new Map(rules.map((r) => [r.name, r])),
    overrides,
    maintenance: (config.maintenance ?? []).map((w) => resolveWindow(w, timezone)),
    flapping: {
      changes: f.changes ?? DEFAULT_FLAPPING.changes,
      windowMs: f.window ? parseDuration(f.window) : DEFAULT_FLAPPING.windowMs,
      stableMs: f.stable ? parseDuration(f.stable) : DEFAULT_FLAPPING.stableMs,
    },
    intervals: new Map(Object.entries(input.intervals ?? {})),
    defaultIntervalMs: input.defaultIntervalMs ?? 60_000,
    timezone,
    labels: { ...input.labels },
    cache: new Map(),
    rulesForDevice: (device, cls) => rulesForDevice(resolved, device, cls),
  };
  return resolved;
}

/**
 * Every rule that applies to the device's class, after overrides, each threshold tagged with where it came
 * from (default, site, class or device override). Disabled rules are included with `enabled: false` and
 * `disabledBy`, so the dashboard can say why a rule is off.
 */
export function rulesForDevice(resolved: ResolvedRules, device: string, cls: DeviceClass): EffectiveRule[] {
  return deviceRules(resolved, device, cls).all;
}

export function deviceRules(resolved: ResolvedRules, device: string, cls: DeviceClass): DeviceRules {
  const cacheKey = `${device}\u0000${cls}`;
  const hit = resolved.cache.get(cacheKey);
  if (hit) return hit;
  // Devices without an override of their own share their class's rule objects: ~37 rules × 1,000 devices of
  // copies was the largest thing on the heap at a big site. Only the maintenance windows are per device.
  const own = hasDeviceOverride(resolved, device);
  const sharedKey = `\u0001${cls}`;
  const shared = own ? undefined : resolved.cache.get(sharedKey);
  const base = shared ?? buildRules(resolved, own ? device : undefined, cls);
  if (!own && !shared) resolved.cache.set(sharedKey, base);
  const out: DeviceRules = { ...base, windows: resolved.maintenance.filter((w) => windowCovers(w, device, cls)) };
  resolved.cache.set(cacheKey, out);
  return out;
}

function hasDeviceOverride(resolved: ResolvedRules, device: string): boolean {
  for (const layers of resolved.overrides.values()) if (layers.device.has(device)) return true;
  return false;
}

/** The rules of a class after site and class overrides, and the device's own when `device` is given. */
function buildRules(resolved: ResolvedRules, device: string | undefined, cls: DeviceClass): DeviceRules {
  const out: DeviceRules = { all: [], byMeasurement: new Map(), byName: new Map(), windows: [] };
  for (const rule of resolved.rules) {
    if (rule.class && !rule.class.includes(cls)) continue;
    const eff = effective(rule);
    const layers = resolved.overrides.get(rule.name);
    if (layers) {
      for (const so of layers.site) apply(eff, so, 'site');
      for (const so of layers.class.get(cls) ?? []) apply(eff, so, 'class');
      if (device !== undefined) for (const so of layers.device.get(device) ?? []) if (so.o.class === undefined || so.o.class === cls) apply(eff, so, 'device');
    }
    out.all.push(eff);
    out.byName.set(eff.name, eff);
    if (!eff.enabled) continue;
    if (eff.kind === 'stale') {
      if (eff.scope === 'device') out.deviceStale = eff;
      else out.metricStale = eff;
    } else if (eff.measurement !== undefined) {
      push(out.byMeasurement, eff.measurement, eff);
    }
  }
  return out;
}

/** Poll interval the engine assumes for a device: config first, then what it observed, then the default. */
export function intervalFor(resolved: ResolvedRules, device: string, observedGap: number | undefined): number {
  return resolved.intervals.get(device) ?? observedGap ?? resolved.defaultIntervalMs;
}

function effective(rule: Rule): EffectiveRule {
  if (isStaleRule(rule)) {
    return {
      name: rule.name,
      description: rule.description,
      kind: 'stale',
      enabled: true,
      fields: [],
      delta: false,
      instanceTags: [],
      where: {},
      when: {},
      forMs: 0,
      forOrigin: 'default',
      polls: 1,
      pollsOrigin: 'default',
      requireOkFirst: false,
      failedSamples: false,
      parentSuppresses: false,
      summary: rule.summary,
      scope: rule.scope,
      intervals: rule.intervals,
      severity: rule.severity,
    };
  }
  const eff: EffectiveRule = {
    name: rule.name,
    description: rule.description,
    kind: 'threshold',
    enabled: true,
    measurement: rule.measurement,
    fields: typeof rule.field === 'string' ? [rule.field] : [...rule.field],
    delta: rule.delta ?? false,
    instanceTags: rule.instanceTag === undefined ? [] : typeof rule.instanceTag === 'string' ? [rule.instanceTag] : [...rule.instanceTag],
    where: { ...rule.where },
    when: { ...rule.when },
    op: rule.op,
    forMs: rule.for ? parseDuration(rule.for) : 0,
    forOrigin: 'default',
    polls: rule.polls ?? 1,
    pollsOrigin: 'default',
    requireOkFirst: rule.requireOkFirst ?? false,
    failedSamples: rule.failedSamples ?? false,
    parentSuppresses: rule.parentSuppresses ?? false,
    summary: rule.summary,
  };
  if (rule.per !== undefined) eff.per = rule.per;
  if (rule.criticalSummary !== undefined) eff.criticalSummary = rule.criticalSummary;
  if (rule.warn) eff.warn = level(rule.warn, undefined, 'default');
  if (rule.critical) eff.critical = level(rule.critical, undefined, 'default');
  return eff;
}

function apply(eff: EffectiveRule, { o, source }: SourcedOverride, origin: Origin): void {
  if (o.disabled !== undefined) {
    eff.enabled = !o.disabled;
    if (o.disabled) {
      eff.disabledBy = origin;
      eff.disabledSource = source;
    } else {
      delete eff.disabledBy;
      delete eff.disabledSource;
    }
  }
  if (o.warn === false) delete eff.warn;
  else if (o.warn) eff.warn = { ...level(o.warn, eff.warn, origin), source };
  if (o.critical === false) delete eff.critical;
  else if (o.critical) eff.critical = { ...level(o.critical, eff.critical, origin), source };
  if (o.for !== undefined) {
    eff.forMs = parseDuration(o.for);
    eff.forOrigin = origin;
    eff.forSource = source;
  }
  if (o.polls !== undefined) {
    eff.polls = o.polls;
    eff.pollsOrigin = origin;
  }
}

/**
 * A level without `clear` keeps the hysteresis gap of the level it replaces: moving "warn at 85, clear at 80"
 * to 90 clears at 85, rather than silently losing its damping.
 */
function level(l: Level, previous: EffectiveLevel | undefined, origin: Origin): EffectiveLevel {
  let clear = l.clear;
  if (clear === undefined) {
    clear = l.value;
    if (previous && typeof previous.value === 'number' && typeof previous.clear === 'number' && typeof l.value === 'number') {
      clear = l.value - (previous.value - previous.clear);
    }
  }
  return { value: l.value, clear, origin };
}

function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

/**
 * A warning must come before critical as the reading gets worse: for a rule that fires above its levels
 * (`op: '>'`, high is bad) warning < critical, for one that fires below (`op: '<'`, low is bad, e.g. battery
 * charge) warning > critical. Otherwise the warning would only ever fire after critical, or together with it,
 * and say nothing. Equal levels are refused for the same reason. One problem per field, so a form can show
 * the reason next to each input; paths are relative to the override (`warn`, `critical`).
 */
export function levelOrderProblems(rule: Rule, warn: unknown, critical: unknown): ConfigProblem[] {
  if (isStaleRule(rule) || typeof warn !== 'number' || typeof critical !== 'number') return [];
  const high = rule.op === '>';
  if (!high && rule.op !== '<') return [];
  if (high ? warn < critical : warn > critical) return [];
  const why = high
    ? `${rule.name} fires above its levels (high is bad), so a warning at ${warn} would only fire after critical at ${critical}`
    : `${rule.name} fires below its levels (low is bad), so a warning at ${warn} would only fire after critical at ${critical}`;
  return [
    { path: 'warn', message: `warning must be ${high ? 'below' : 'above'} critical: ${why}` },
    { path: 'critical', message: `critical must be ${high ? 'above' : 'below'} warning: ${why}` },
  ];
}

import type Database from 'better-sqlite3';
import { DEVICE_CLASSES, type DeviceClass } from '../../probes/types.js';
import { DEFAULT_RULES } from './default-rules.js';
import { checkAlertsConfig, levelOrderProblems, resolveRules, type ConfigProblem } from './rules.js';
import { isStaleRule, type Level, type OneOffWindow, type Rule, type RuleOverride, type RuleOverrideEntry } from './schema.js';

/**
 * The dashboard's layer over `alerts.rules` and `alerts.maintenance`, kept in the embedded database because
 * the YAML file may be root-owned and carries the installer's comments, which a rewrite would lose. It holds
 * at most one override per rule and scope (the dashboard replaces, never stacks) and one-off maintenance
 * windows. The AlertService merges it after the config, so at the same scope the dashboard wins.
 */

export type OverrideScope = { kind: 'device'; device: string } | { kind: 'class'; class: DeviceClass } | { kind: 'site' };

export interface StoredOverride {
  override: RuleOverride;
  setBy: string;
  setAt: number;
}

export interface StoredWindow {
  id: number;
  device?: string;
  class?: DeviceClass;
  start: number;
  end: number;
  reason?: string;
  createdBy: string;
  createdAt: number;
}

interface OverrideRow {
  rule: string;
  scope: 'device' | 'class' | 'site';
  target: string;
  warn: string | null;
  critical: string | null;
  for_: string | null;
  polls: number | null;
  disabled: number | null;
  set_by: string;
  set_at: number;
}

interface WindowRow {
  id: number;
  device: string | null;
  class: string | null;
  start: number;
  end: number;
  reason: string | null;
  created_by: string;
  created_at: number;
}

/** The scope an override applies at. Device and class together (allowed in the config) is refused here. */
export function scopeOf(o: Pick<RuleOverride, 'device' | 'class'>): OverrideScope {
  if (o.device !== undefined) return { kind: 'device', device: o.device };
  if (o.class !== undefined) return { kind: 'class', class: o.class };
  return { kind: 'site' };
}

const target = (s: OverrideScope) => (s.kind === 'device' ? s.device : s.kind === 'class' ? s.class : '');

/**
 * The config's own checks (unknown rule, thresholds on a stale rule, wrong value type, clear beyond the
 * threshold) for one dashboard override, with paths relative to the request body (`warn.clear`).
 */
export function checkOverride(o: RuleOverride, rules: readonly Rule[] = DEFAULT_RULES): ConfigProblem[] {
  const problems = checkAlertsConfig({ rules: [o] }, rules).map((p) => ({ path: p.path.replace(/^alerts\.rules\[0\]\.?/, ''), message: p.message }));
  if (o.device !== undefined && o.class !== undefined) problems.push({ path: 'class', message: 'give a device or a class, not both' });
  const keys = ['disabled', 'warn', 'critical', 'for', 'polls'] as const;
  if (!keys.some((k) => o[k] !== undefined)) problems.push({ path: '', message: `an override needs at least one of ${keys.join(', ')}` });
  return problems;
}

/**
 * The level-order check on what the rule would become if `o` were stored: an override may set only one
 * level and inherit the other from the default pack, the config or a wider dashboard override. `existing` is
 * every override in force (config and dashboard, as GET /api/rules/overrides lists them); the dashboard's
 * override at o's rule and scope is the one `o` replaces. Checked at o's own scope: a device (of class
 * `deviceClass`), a class, or at site scope every class the rule applies to. Narrower overrides below that
 * scope set their own levels and are not re-checked here.
 */
export function levelOrderAfter(o: RuleOverride, existing: readonly RuleOverrideEntry[], deviceClass: DeviceClass | undefined, rules: readonly Rule[] = DEFAULT_RULES): ConfigProblem[] {
  const rule = rules.find((r) => r.name === o.rule);
  if (!rule || isStaleRule(rule)) return [];
  const s = scopeOf(o);
  const sameScope = (e: RuleOverrideEntry) => e.rule === o.rule && target(scopeOf(e)) === target(s) && scopeOf(e).kind === s.kind;
  const strip = ({ source: _s, setBy: _b, setAt: _a, ...rest }: RuleOverrideEntry): RuleOverride => rest;
  const resolved = resolveRules({
    rules,
    config: { rules: existing.filter((e) => e.source === 'config').map(strip) },
    dashboardRules: [...existing.filter((e) => e.source === 'dashboard' && !sameScope(e)).map(strip), o],
    timezone: 'UTC',
  });
  // A name no device can have: the class's rules without any device's own overrides.
  const noDevice = '\u0000';
  const targets: Array<[string, DeviceClass]> =
    s.kind === 'device' ? (deviceClass ? [[s.device, deviceClass]] : []) : s.kind === 'class' ? [[noDevice, s.class]] : (rule.class ?? DEVICE_CLASSES).map((c) => [noDevice, c]);
  for (const [device, cls] of targets) {
    const eff = resolved.rulesForDevice(device, cls).find((r) => r.name === o.rule);
    const problems = eff ? levelOrderProblems(rule, eff.warn?.value, eff.critical?.value) : [];
    if (problems.length) return problems;
  }
  return [];
}

export class RuleOverlay {
  constructor(private readonly db: Database.Database) {
    // IF NOT EXISTS: created on first use and left alone afterwards, like the other tables in this file.
    db.exec(`
      CREATE TABLE IF NOT EXISTS alert_rule_overrides (
        rule TEXT NOT NULL, scope TEXT NOT NULL, target TEXT NOT NULL,
        warn TEXT, critical TEXT, for_ TEXT, polls INTEGER, disabled INTEGER, -- levels and for_ as JSON
        set_by TEXT NOT NULL, set_at INTEGER NOT NULL,
        PRIMARY KEY (rule, scope, target));
      CREATE TABLE IF NOT EXISTS alert_maintenance (
        id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT, class TEXT, start INTEGER NOT NULL, end INTEGER NOT NULL,
        reason TEXT, created_by TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS alert_maintenance_end ON alert_maintenance (end);
    `);
  }

  /** Site first, then class, then device, each by rule name: the order the engine applies layers anyway. */
  overrides(): StoredOverride[] {
    const rows = this.db.prepare(`SELECT * FROM alert_rule_overrides ORDER BY CASE scope WHEN 'site' THEN 0 WHEN 'class' THEN 1 ELSE 2 END, rule, target`).all() as OverrideRow[];
    return rows.map(fromRow);
  }

  /** Replaces the override at that rule and scope. */
  setOverride(o: RuleOverride, setBy: string, setAt: number): StoredOverride {
    const s = scopeOf(o);
    const json = (l: Level | false | undefined) => (l === undefined ? null : JSON.stringify(l));
    const row: OverrideRow = {
      rule: o.rule,
      scope: s.kind,
      target: target(s),
      warn: json(o.warn),
      critical: json(o.critical),
      for_: o.for === undefined ? null : JSON.stringify(o.for),
      polls: o.polls ?? null,
      disabled: o.disabled === undefined ? null : Number(o.disabled),
      set_by: setBy,
      set_at: setAt,
    };
    this.db
      .prepare(
        `INSERT OR REPLACE INTO alert_rule_overrides (rule, scope, target, warn, critical, for_, polls, disabled, set_by, set_at)
         VALUES (@rule, @scope, @target, @warn, @critical, @for_, @polls, @disabled, @set_by, @set_at)`,
      )
      .run(row);
    return fromRow(row);
  }

  /** False when there was none to delete. */
  deleteOverride(rule: string, s: OverrideScope): boolean {
    return this.db.prepare('DELETE FROM alert_rule_overrides WHERE rule = ? AND scope = ? AND target = ?').run(rule, s.kind, target(s)).changes > 0;
  }

  /** Windows that end after `since`: the ones still worth listing or feeding to the engine. */
  windows(since: number): StoredWindow[] {
    const rows = this.db.prepare('SELECT * FROM alert_maintenance WHERE end > ? ORDER BY start, id').all(since) as WindowRow[];
    return rows.map((r) => {
      const w: StoredWindow = { id: r.id, start: r.start, end: r.end, createdBy: r.created_by, createdAt: r.created_at };
      if (r.device !== null) w.device = r.device;
      if (r.class !== null) w.class = r.class as DeviceClass;
      if (r.reason !== null) w.reason = r.reason;
      return w;
    });
  }

  addWindow(w: Omit<StoredWindow, 'id'>): StoredWindow {
    // Windows long over only clutter the table; the audit log keeps the record of who set them.
    this.db.prepare('DELETE FROM alert_maintenance WHERE end < ?').run(w.createdAt - 30 * 86_400_000);
    const id = Number(
      this.db
        .prepare('INSERT INTO alert_maintenance (device, class, start, end, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(w.device ?? null, w.class ?? null, w.start, w.end, w.reason ?? null, w.createdBy, w.createdAt).lastInsertRowid,
    );
    return { id, ...w };
  }

  window(id: number): StoredWindow | undefined {
    return this.windows(-Infinity).find((w) => w.id === id);
  }

  deleteWindow(id: number): boolean {
    return this.db.prepare('DELETE FROM alert_maintenance WHERE id = ?').run(id).changes > 0;
  }
}

/** A stored window in the config's shape, so the engine resolves both kinds the same way. */
export function asOneOff(w: StoredWindow): OneOffWindow {
  const out: OneOffWindow = { start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() };
  if (w.device !== undefined) out.device = w.device;
  if (w.class !== undefined) out.class = w.class;
  if (w.reason !== undefined) out.reason = w.reason;
  return out;
}

function fromRow(r: OverrideRow): StoredOverride {
  const o: RuleOverride = { rule: r.rule };
  if (r.scope === 'device') o.device = r.target;
  if (r.scope === 'class') o.class = r.target as DeviceClass;
  if (r.disabled !== null) o.disabled = r.disabled === 1;
  if (r.warn !== null) o.warn = JSON.parse(r.warn) as Level | false;
  if (r.critical !== null) o.critical = JSON.parse(r.critical) as Level | false;
  if (r.for_ !== null) o.for = JSON.parse(r.for_) as string | number;
  if (r.polls !== null) o.polls = r.polls;
  return { override: o, setBy: r.set_by, setAt: r.set_at };
}

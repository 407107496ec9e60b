import type { FieldValue, Point } from '../../probes/types.js';
import type { EffectiveRule, Op, ThresholdValue } from './schema.js';
import type { LevelName } from './types.js';

/** Pure threshold arithmetic: which level a reading is at, given the level it was at (hysteresis). */

export function compare(op: Op | undefined, a: FieldValue, b: ThresholdValue): boolean {
  switch (op) {
    case '>':
      return typeof a === 'number' && typeof b === 'number' && a > b;
    case '<':
      return typeof a === 'number' && typeof b === 'number' && a < b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default:
      return false;
  }
}

/**
 * A level is entered at `value` and left only when `clear` no longer holds, so a reading oscillating between
 * the two stays where it is. Dropping out of critical lands in warning when the warning level still holds.
 */
export function nextLevel(rule: EffectiveRule, value: FieldValue, current: LevelName): LevelName {
  const { op, warn, critical } = rule;
  if (critical && (compare(op, value, critical.value) || (current === 'critical' && compare(op, value, critical.clear)))) return 'critical';
  if (warn && (compare(op, value, warn.value) || (current !== 'none' && compare(op, value, warn.clear)))) return 'warning';
  return 'none';
}

/** The value a rule compares, or undefined when the point does not carry it (no data is not "healthy"). */
export function pickValue(rule: EffectiveRule, fields: Readonly<Record<string, FieldValue>>): FieldValue | undefined {
  let out: FieldValue | undefined;
  for (const f of rule.fields) {
    const v = fields[f];
    if (v === undefined) continue;
    if (out === undefined) out = v;
    else if (typeof v === 'number' && typeof out === 'number') out = rule.op === '<' ? Math.min(out, v) : Math.max(out, v);
  }
  if (out === undefined || rule.per === undefined) return out;
  const d = fields[rule.per];
  // A device reporting max 0 (or none) has no meaningful share; skip rather than divide into Infinity.
  if (typeof out !== 'number' || typeof d !== 'number' || d <= 0) return undefined;
  return (out / d) * 100;
}

export function whenHolds(rule: EffectiveRule, fields: Readonly<Record<string, FieldValue>>): boolean {
  for (const k in rule.when) if (fields[k] !== rule.when[k]) return false;
  return true;
}

export function whereMatches(rule: EffectiveRule, tags: Readonly<Record<string, string>>): boolean {
  for (const k in rule.where) if (tags[k] !== rule.where[k]) return false;
  return true;
}

/**
 * The instance name from the rule's instance tags, '' when the rule has none, undefined when the point lacks
 * one: an unidentifiable point must not be merged into another instance's state.
 */
export function instanceOf(rule: EffectiveRule, p: Point): string | undefined {
  if (rule.instanceTags.length === 0) return '';
  const parts: string[] = [];
  for (const t of rule.instanceTags) {
    const v = p.tags[t];
    if (v === undefined || v === '') return undefined;
    parts.push(v);
  }
  return parts.join('/');
}

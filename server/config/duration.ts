import { Type } from '@sinclair/typebox';

/** Durations are written as humans say them (`60s`, `5m`, `1h30m`, `7d`); a bare number means seconds. */
export const Duration = (description: string, dflt?: string) =>
  Type.Union([Type.String({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h|d|w|y))+$' }), Type.Number({ minimum: 0 })], {
    description: `${description} Duration such as 30s, 5m, 1h, 7d (a bare number is seconds).`,
    ...(dflt !== undefined ? { default: dflt } : {}),
  });

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

export function parseDuration(v: string | number): number {
  if (typeof v === 'number') return v * 1000;
  if (!/^(\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+$/.test(v)) throw new Error(`not a duration: ${v}`);
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { OutpostConfig } from '../config/schema.js';

const DateOnly = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' });

/**
 * `reports:` in the config: what the MSP knows that devices do not. Minimum firmware per vendor/model (from
 * vendor advisories) and the planned refresh date per device (from the client's budget).
 */
export const ReportsConfigSchema = Type.Object(
  {
    firmware_minimum: Type.Array(
      Type.Object(
        {
          vendor: Type.String({ minLength: 1, description: 'Vendor as Outpost names it (the inventory\'s vendor column), compared case-insensitively.' }),
          model: Type.Optional(Type.String({ minLength: 1, description: 'Regular expression on the model (case-insensitive); absent: every model of the vendor.' })),
          version: Type.String({ minLength: 1, description: 'Lowest acceptable version, e.g. 7.2.6 (v prefixes and build suffixes are understood).' }),
        },
        { additionalProperties: false },
      ),
      { default: [], description: 'Minimum firmware: devices below it are flagged in the firmware report. The first matching rule applies.' },
    ),
    refresh: Type.Array(
      Type.Object(
        {
          device: Type.String({ minLength: 1, description: 'Device name.' }),
          date: DateOnly,
          note: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { default: [], description: 'Planned replacement dates per device, shown in the inventory.' },
    ),
  },
  { additionalProperties: false },
);
export type ReportsConfig = Static<typeof ReportsConfigSchema>;

/** Config with the `reports:` key the lead adds to OutpostConfig. */
export type WithReports = OutpostConfig & { reports?: unknown };

export function reportsConfig(cfg: WithReports): ReportsConfig {
  const r = Value.Default(ReportsConfigSchema, structuredClone(cfg.reports ?? {}));
  if (!Value.Check(ReportsConfigSchema, r)) throw new Error('reports: invalid configuration');
  return r;
}

/** What Ajv cannot check: each model is a valid regular expression, each date a real date, each device known. */
export function reportsConfigErrors(r: ReportsConfig, deviceNames: readonly string[]): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  r.firmware_minimum.forEach((f, i) => {
    if (f.model === undefined) return;
    try {
      new RegExp(f.model, 'i');
    } catch (err) {
      issues.push({ path: `reports.firmware_minimum[${i}].model`, message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });
  r.refresh.forEach((x, i) => {
    const t = Date.parse(`${x.date}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== x.date) issues.push({ path: `reports.refresh[${i}].date`, message: `not a calendar date: ${x.date}` });
    if (!deviceNames.includes(x.device)) issues.push({ path: `reports.refresh[${i}].device`, message: `no device named ${JSON.stringify(x.device)} under devices:` });
  });
  return issues;
}

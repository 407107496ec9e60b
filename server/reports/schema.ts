import { Type, type Static } from '@sinclair/typebox';
import { DeviceClassSchema } from '../alerts/schema.js';

/**
 * The reports' shapes: the JSON the API returns, and the types of the pure functions that compute them
 * (Static<> of these), so the HTML, the CSV and the API can never disagree about a field.
 */
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

export const SlaTotalsSchema = Type.Object(
  {
    totalMs: Type.Number(),
    upMs: Type.Number(),
    downMs: Type.Number(),
    downUnreachableMs: Type.Number({ description: 'Of downMs: the device itself did not answer.' }),
    downParentMs: Type.Number({ description: 'Of downMs: a parent was down at the time (counted here, attributed to the parent).' }),
    maintenanceMs: Type.Number({ description: 'Inside a maintenance window: outside the SLA denominator.' }),
    unknownMs: Type.Number({ description: 'No data: never counted as up.' }),
    uptimePct: Nullable(Type.Number({ description: 'up / (up + down) × 100; null when nothing was measured.' })),
    coveragePct: Nullable(Type.Number({ description: 'Measured share of the time outside maintenance.' })),
  },
  { additionalProperties: false },
);

export const DowntimeCauseSchema = Type.Union([Type.Literal('unreachable'), Type.Literal('parent-down'), Type.Literal('maintenance')]);

export const IncidentSchema = Type.Object(
  {
    device: Type.String(),
    start: Type.Number(),
    end: Type.Number(),
    durationMs: Type.Number(),
    cause: DowntimeCauseSchema,
    attributedTo: Type.Optional(Type.String({ description: 'parent-down: the top-most ancestor that was down; maintenance: whose window applied.' })),
    excluded: Type.Boolean({ description: 'Planned (maintenance): shown, not counted.' }),
  },
  { additionalProperties: false },
);

export const DeviceSlaSchema = Type.Object(
  {
    name: Type.String(),
    class: DeviceClassSchema,
    parent: Type.Optional(Type.String()),
    totals: SlaTotalsSchema,
    days: Type.Array(Type.Object({ date: Type.String(), start: Type.Number(), end: Type.Number(), totals: SlaTotalsSchema }, { additionalProperties: false })),
    incidents: Type.Array(IncidentSchema),
  },
  { additionalProperties: false },
);

export const ClassSlaSchema = Type.Object({ class: DeviceClassSchema, devices: Type.Integer(), totals: SlaTotalsSchema }, { additionalProperties: false });

export const SlaResultSchema = Type.Object(
  {
    from: Type.Number(),
    to: Type.Number(),
    sliceMs: Type.Number(),
    devices: Type.Array(DeviceSlaSchema),
    classes: Type.Array(ClassSlaSchema),
    site: SlaTotalsSchema,
  },
  { additionalProperties: false },
);

export const SlaReportSchema = Type.Object(
  {
    site: Type.Object({ id: Type.String(), name: Type.String(), timezone: Type.String() }, { additionalProperties: false }),
    month: Type.String(),
    generatedAt: Type.Number(),
    sla: SlaResultSchema,
    notes: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const FirmwareStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('outdated'), Type.Literal('unknown'), Type.Literal('no-minimum')]);
export const LicenceStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('unknown')]);

export const FirmwareReportSchema = Type.Object(
  {
    generatedAt: Type.Number(),
    devices: Type.Array(
      Type.Object(
        {
          device: Type.String(),
          class: Type.String(),
          vendor: Type.Optional(Type.String()),
          model: Type.Optional(Type.String()),
          version: Type.Optional(Type.String()),
          minimum: Type.Optional(Type.String()),
          status: FirmwareStatusSchema,
        },
        { additionalProperties: false },
      ),
    ),
    models: Type.Array(
      Type.Object(
        {
          vendor: Type.String(),
          model: Type.String(),
          minimum: Type.Optional(Type.String()),
          versions: Type.Array(Type.Object({ version: Type.String(), devices: Type.Array(Type.String()), status: FirmwareStatusSchema }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
    licences: Type.Array(
      Type.Object(
        {
          device: Type.String(),
          name: Type.String(),
          expiresAt: Type.Optional(Type.Number({ description: 'unix seconds' })),
          daysLeft: Type.Optional(Type.Number()),
          status: LicenceStatusSchema,
        },
        { additionalProperties: false },
      ),
    ),
    summary: Type.Object(
      { devices: Type.Integer(), outdated: Type.Integer(), unknown: Type.Integer(), licencesExpired: Type.Integer(), licencesExpiring: Type.Integer() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const InventoryRowSchema = Type.Object(
  {
    device: Type.String(),
    host: Type.String(),
    class: Type.String(),
    vendor: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    serial: Type.Optional(Type.String()),
    firmware: Type.Optional(Type.String()),
    firstSeen: Type.Union([Type.Number(), Type.Null()]),
    disks: Type.Array(
      Type.Object(
        { disk: Type.String(), model: Type.Optional(Type.String()), powerOnHours: Type.Optional(Type.Number()), percentageUsed: Type.Optional(Type.Number()), health: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    batteryInstalledAt: Type.Optional(Type.Number({ description: 'unix seconds' })),
    batteryAgeDays: Type.Optional(Type.Number()),
    age: Type.Array(Type.String(), { description: 'Age signals the device gives, in words.' }),
    refresh: Type.Optional(Type.Object({ date: Type.String(), note: Type.Optional(Type.String()), daysLeft: Type.Number() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const InventoryReportSchema = Type.Object({ generatedAt: Type.Number(), devices: Type.Array(InventoryRowSchema) }, { additionalProperties: false });

export type SlaTotals = Static<typeof SlaTotalsSchema>;
export type DowntimeCause = Static<typeof DowntimeCauseSchema>;
export type Incident = Static<typeof IncidentSchema>;
export type DeviceSla = Static<typeof DeviceSlaSchema>;
export type ClassSla = Static<typeof ClassSlaSchema>;
export type SlaResult = Static<typeof SlaResultSchema>;
export type SlaReport = Static<typeof SlaReportSchema>;
export type FirmwareStatus = Static<typeof FirmwareStatusSchema>;
export type LicenceStatus = Static<typeof LicenceStatusSchema>;
export type FirmwareReport = Static<typeof FirmwareReportSchema>;
export type InventoryRow = Static<typeof InventoryRowSchema>;
export type InventoryReport = Static<typeof InventoryReportSchema>;

import { Type, type Static } from '@sinclair/typebox';
import { DEVICE_CLASSES } from '../../probes/types.js';
import { Duration } from '../config/duration.js';

/**
 * The alert engine's schemas: rules, config overrides, maintenance windows, alerts and events. Every type the
 * engine, the config loader and the API use comes from `Static<typeof …>` here (STYLE.md 12), so the YAML
 * validation, the REST responses and the engine can never disagree about a field.
 */

/** `30s`, `5m`, `1.5h`: the config's duration type, so every duration in the file is written the same way. */
export const DurationSchema = Duration('How long.');

export const DeviceClassSchema = Type.Union(DEVICE_CLASSES.map((c) => Type.Literal(c)));

/** A threshold compares numbers, booleans (`on_battery == true`) or strings (`health == 'fail'`). */
export const ThresholdValueSchema = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);

/**
 * One severity level. `clear` is the hysteresis level: once raised, the level holds while `value op clear` is
 * still true, so a reading hovering around the threshold does not fire and resolve on every poll.
 */
export const LevelSchema = Type.Object(
  {
    value: ThresholdValueSchema,
    clear: Type.Optional(ThresholdValueSchema),
  },
  { additionalProperties: false },
);

export const OpSchema = Type.Union([Type.Literal('>'), Type.Literal('<'), Type.Literal('=='), Type.Literal('!=')]);
export const SeveritySchema = Type.Union([Type.Literal('warning'), Type.Literal('critical')]);

/** Alert names are the Alertmanager `alertname` label: CamelCase, stable, referred to by overrides. */
const RuleNameSchema = Type.String({ pattern: '^[A-Z][A-Za-z0-9]*$' });

/**
 * A rule over one field (or the worst of several) of one measurement, evaluated per instance
 * (`instanceTag`: ifName, disk serial, licence name…). Beyond the basic shape, a few switches cover the
 * default pack without special-casing rule names in the engine.
 */
export const ThresholdRuleSchema = Type.Object(
  {
    kind: Type.Optional(Type.Literal('threshold')),
    name: RuleNameSchema,
    description: Type.String(),
    class: Type.Optional(Type.Array(DeviceClassSchema, { minItems: 1 })),
    measurement: Type.String({ minLength: 1 }),
    /** Several fields mean "the worst of them" (max for `>`, min for `<`), e.g. errors in or out. */
    field: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
    /** Compare `field / per × 100` instead of the field: sessions as a percentage of sessions_max. */
    per: Type.Optional(Type.String()),
    /** Compare the increase since the previous observation: for counters such as dropped_points. */
    delta: Type.Optional(Type.Boolean()),
    /** Tag(s) naming the instance; several are joined with `/` (a sensor is its class and name). */
    instanceTag: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })])),
    /** Tags a point must carry to be this rule's business (sensor class=temperature). Other points are ignored. */
    where: Type.Optional(Type.Record(Type.String(), Type.String())),
    /**
     * Fields that must hold for the condition to count. When they do not, the instance is healthy: a port
     * an admin shut down (admin_up=false) is not "down".
     */
    when: Type.Optional(Type.Record(Type.String(), ThresholdValueSchema)),
    op: OpSchema,
    warn: Type.Optional(LevelSchema),
    critical: Type.Optional(LevelSchema),
    /** How long the condition must hold before the alert fires (debounce: UPS self-tests, blips). */
    for: Type.Optional(DurationSchema),
    /** How many consecutive samples must show the condition (a poll count, independent of the interval). */
    polls: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Only instances seen healthy once can alert: a switch port that was never connected is not "down". */
    requireOkFirst: Type.Optional(Type.Boolean()),
    /**
     * Also evaluate points carried by a failed sample. Off by default: a failed poll's numbers describe the
     * failure (100 % ping loss) which DeviceUnreachable already reports; smartctl's "unknown" verdict is the
     * exception, it *is* the news.
     */
    failedSamples: Type.Optional(Type.Boolean()),
    /** When the device's parent is down, this alert is suppressed and counted on the parent's alert. */
    parentSuppresses: Type.Optional(Type.Boolean()),
    /** Template: `{device}`, `{instance}`, `{value}`, any tag or field of the point; filters `|round` `|min` `|abs` `|bytes`. */
    summary: Type.String(),
    /** Wording for the critical level when it reads differently ("expired" rather than "expires"). */
    criticalSummary: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/**
 * "No data" is its own alert, never a recovery: a device (scope `device`) or one of its measurements (scope
 * `metric`) that has not reported for `intervals` poll intervals raises DeviceStale / MetricStale.
 */
export const StaleRuleSchema = Type.Object(
  {
    kind: Type.Literal('stale'),
    name: RuleNameSchema,
    description: Type.String(),
    class: Type.Optional(Type.Array(DeviceClassSchema, { minItems: 1 })),
    scope: Type.Union([Type.Literal('device'), Type.Literal('metric')]),
    intervals: Type.Integer({ minimum: 1 }),
    severity: SeveritySchema,
    summary: Type.String(),
  },
  { additionalProperties: false },
);

export const RuleSchema = Type.Union([ThresholdRuleSchema, StaleRuleSchema]);

/**
 * `alerts.rules` in the config: change a rule for everyone, for a class or for one device. Device beats
 * class beats site-wide beats the default. A level given without `clear` keeps the default's hysteresis gap;
 * `false` removes that level.
 */
export const RuleOverrideSchema = Type.Object(
  {
    rule: RuleNameSchema,
    class: Type.Optional(DeviceClassSchema),
    device: Type.Optional(Type.String({ minLength: 1 })),
    disabled: Type.Optional(Type.Boolean()),
    warn: Type.Optional(Type.Union([LevelSchema, Type.Literal(false)])),
    critical: Type.Optional(Type.Union([LevelSchema, Type.Literal(false)])),
    for: Type.Optional(DurationSchema),
    polls: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** Offsets are required: a date without one would mean whatever the box's clock zone happens to be. */
export const DateTimeSchema = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$',
  description: 'ISO 8601 date-time with an offset: 2026-03-07T22:00:00+01:00',
});

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Scope shared by both window kinds: a device, a class, or (neither) the whole site. */
const WindowScope = {
  device: Type.Optional(Type.String({ minLength: 1 })),
  class: Type.Optional(DeviceClassSchema),
  reason: Type.Optional(Type.String()),
};

export const OneOffWindowSchema = Type.Object({ ...WindowScope, start: DateTimeSchema, end: DateTimeSchema }, { additionalProperties: false });

/** A weekly window ("every Sunday 02:00 for 3h"), in the site's time zone unless `timezone` says otherwise. */
export const RecurringWindowSchema = Type.Object(
  {
    ...WindowScope,
    days: Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), { minItems: 1 }),
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, 24 h' }),
    duration: DurationSchema,
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA zone, e.g. Europe/Berlin' })),
  },
  { additionalProperties: false },
);

export const MaintenanceWindowSchema = Type.Union([OneOffWindowSchema, RecurringWindowSchema]);

/** An alert that changes state more than `changes` times within `window` is held firing until `stable` passes quietly. */
export const FlappingSchema = Type.Object(
  {
    changes: Type.Optional(Type.Integer({ minimum: 2, default: 4 })),
    window: Type.Optional(DurationSchema),
    stable: Type.Optional(DurationSchema),
  },
  { additionalProperties: false },
);

/** The parts of `alerts:` in the config that the engine reads (notifiers and heartbeat live elsewhere). */
export const AlertEngineConfigSchema = Type.Object(
  {
    rules: Type.Optional(Type.Array(RuleOverrideSchema)),
    maintenance: Type.Optional(Type.Array(MaintenanceWindowSchema)),
    flapping: Type.Optional(FlappingSchema),
  },
  { additionalProperties: false },
);

export const AlertSchema = Type.Object(
  {
    /** Stable across restarts and re-fires: a hash of rule, device and instance. */
    id: Type.String(),
    rule: Type.String(),
    /** The Alertmanager alertname; equal to the rule name. */
    name: Type.String(),
    device: Type.String(),
    class: DeviceClassSchema,
    instance: Type.Optional(Type.String()),
    severity: SeveritySchema,
    summary: Type.String(),
    labels: Type.Record(Type.String(), Type.String()),
    /** When the condition began (before any `for` debounce), ms. */
    startsAt: Type.Number(),
    endsAt: Type.Optional(Type.Number()),
    value: Type.Optional(ThresholdValueSchema),
    ack: Type.Optional(Type.Object({ user: Type.String(), note: Type.String(), at: Type.Number() })),
    silencedUntil: Type.Optional(Type.Number()),
    silencedBy: Type.Optional(Type.String()),
    /** Id of the (top-most) parent alert that covers this one. */
    suppressedBy: Type.Optional(Type.String()),
    /** Fired or re-evaluated inside a maintenance window: tracked, not notified. */
    maintenance: Type.Optional(Type.Boolean()),
    flapping: Type.Boolean(),
    childrenSuppressed: Type.Optional(Type.Integer({ minimum: 0 })),
    /**
     * True once a `firing` event went out for it. A notifier skips `resolved` for alerts never notified
     * (suppressed by a parent or by maintenance the whole time), so nobody gets a resolve without a page.
     */
    notified: Type.Boolean(),
  },
  { additionalProperties: false },
);

/**
 * `firing` and `resolved` are what notifiers send. `suppressed`: raised but covered by a parent or a
 * maintenance window (dashboard only). `updated`: the alert changed without needing a page (count of
 * devices behind it, de-escalation, flapping over while still bad). A silence that expires on a still
 * active alert, and a maintenance window that ends on one, produce `firing` again.
 */
export const AlertEventTypeSchema = Type.Union([
  Type.Literal('firing'),
  Type.Literal('resolved'),
  Type.Literal('acknowledged'),
  Type.Literal('silenced'),
  Type.Literal('flapping'),
  Type.Literal('suppressed'),
  Type.Literal('updated'),
]);

export const AlertEventSchema = Type.Object(
  {
    type: AlertEventTypeSchema,
    alert: AlertSchema,
    /** When the engine emitted it (the `now` of its step), ms. */
    at: Type.Number(),
  },
  { additionalProperties: false },
);

/** Where a threshold came from, so the dashboard can say "85 % (class override)". */
export const OriginSchema = Type.Union([Type.Literal('default'), Type.Literal('site'), Type.Literal('class'), Type.Literal('device')]);

/** Which store an override came from: the YAML config, or the dashboard overlay in the data dir's database. */
export const OverrideSourceSchema = Type.Union([Type.Literal('config'), Type.Literal('dashboard')]);

/** `source` is absent for the default pack's own values. */
const EffectiveLevelSchema = Type.Object(
  { value: ThresholdValueSchema, clear: ThresholdValueSchema, origin: OriginSchema, source: Type.Optional(OverrideSourceSchema) },
  { additionalProperties: false },
);

/** One rule as it applies to one device after overrides: what `rulesForDevice` returns and the dashboard shows. */
export const EffectiveRuleSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    kind: Type.Union([Type.Literal('threshold'), Type.Literal('stale')]),
    enabled: Type.Boolean(),
    disabledBy: Type.Optional(OriginSchema),
    disabledSource: Type.Optional(OverrideSourceSchema),
    measurement: Type.Optional(Type.String()),
    fields: Type.Array(Type.String()),
    per: Type.Optional(Type.String()),
    delta: Type.Boolean(),
    instanceTags: Type.Array(Type.String()),
    where: Type.Record(Type.String(), Type.String()),
    when: Type.Record(Type.String(), ThresholdValueSchema),
    op: Type.Optional(OpSchema),
    warn: Type.Optional(EffectiveLevelSchema),
    critical: Type.Optional(EffectiveLevelSchema),
    forMs: Type.Number(),
    forOrigin: OriginSchema,
    forSource: Type.Optional(OverrideSourceSchema),
    polls: Type.Integer(),
    pollsOrigin: OriginSchema,
    requireOkFirst: Type.Boolean(),
    failedSamples: Type.Boolean(),
    parentSuppresses: Type.Boolean(),
    summary: Type.String(),
    criticalSummary: Type.Optional(Type.String()),
    scope: Type.Optional(Type.Union([Type.Literal('device'), Type.Literal('metric')])),
    intervals: Type.Optional(Type.Integer()),
    severity: Type.Optional(SeveritySchema),
  },
  { additionalProperties: false },
);

/**
 * One override as the dashboard lists it: the config's and the dashboard's, the latter with who set it and
 * when. At the same scope the dashboard's is applied after the config's, so it wins.
 */
export const RuleOverrideEntrySchema = Type.Object(
  {
    ...RuleOverrideSchema.properties,
    source: OverrideSourceSchema,
    setBy: Type.Optional(Type.String()),
    setAt: Type.Optional(Type.Number({ description: 'ms since epoch' })),
  },
  { additionalProperties: false },
);

/** A maintenance window as the dashboard lists it; `id` only for dashboard windows (the handle to delete one). */
export const MaintenanceEntrySchema = Type.Object(
  {
    id: Type.Optional(Type.Integer()),
    source: OverrideSourceSchema,
    window: MaintenanceWindowSchema,
    /** Covering its devices right now. */
    active: Type.Boolean(),
    createdBy: Type.Optional(Type.String()),
    createdAt: Type.Optional(Type.Number({ description: 'ms since epoch' })),
  },
  { additionalProperties: false },
);

/**
 * A one-off window set from the dashboard: from `start` (default now) to `end`, or for `duration`. Neither
 * device nor class means the whole site.
 */
export const NewMaintenanceSchema = Type.Object(
  {
    device: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    class: Type.Optional(DeviceClassSchema),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    start: Type.Optional(DateTimeSchema),
    end: Type.Optional(DateTimeSchema),
    duration: Type.Optional(DurationSchema),
  },
  { additionalProperties: false },
);

export type Duration = Static<typeof DurationSchema>;
export type ThresholdValue = Static<typeof ThresholdValueSchema>;
export type Level = Static<typeof LevelSchema>;
export type Op = Static<typeof OpSchema>;
export type Severity = Static<typeof SeveritySchema>;
export type ThresholdRule = Static<typeof ThresholdRuleSchema>;
export type StaleRule = Static<typeof StaleRuleSchema>;
export type Rule = Static<typeof RuleSchema>;
export type RuleOverride = Static<typeof RuleOverrideSchema>;
export type OneOffWindow = Static<typeof OneOffWindowSchema>;
export type RecurringWindow = Static<typeof RecurringWindowSchema>;
export type MaintenanceWindow = Static<typeof MaintenanceWindowSchema>;
export type Weekday = (typeof WEEKDAYS)[number];
export type Flapping = Static<typeof FlappingSchema>;
export type AlertEngineConfig = Static<typeof AlertEngineConfigSchema>;
export type Alert = Static<typeof AlertSchema>;
export type AlertEventType = Static<typeof AlertEventTypeSchema>;
export type AlertEvent = Static<typeof AlertEventSchema>;
export type Origin = Static<typeof OriginSchema>;
export type EffectiveLevel = Static<typeof EffectiveLevelSchema>;
export type EffectiveRule = Static<typeof EffectiveRuleSchema>;
export type OverrideSource = Static<typeof OverrideSourceSchema>;
export type RuleOverrideEntry = Static<typeof RuleOverrideEntrySchema>;
export type MaintenanceEntry = Static<typeof MaintenanceEntrySchema>;
export type NewMaintenance = Static<typeof NewMaintenanceSchema>;

export function isStaleRule(r: Rule): r is StaleRule {
  return r.kind === 'stale';
}

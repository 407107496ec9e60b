import type { Static } from '@sinclair/typebox';
import type { DeviceSummary, DeviceDetail, SeriesReply, HealthReply, WhoAmI as WhoAmISchema, LatestValue as LatestValueSchema } from '../../../server/schemas/api.js';
import type { Alert, AlertEvent, EffectiveRule, EffectiveLevel, Origin, Severity, RuleOverride, RuleOverrideEntry, MaintenanceEntry, NewMaintenance, OverrideSource } from '../../../server/alerts/schema.js';

/**
 * The UI's types, all derived from the server's TypeBox schemas (STYLE.md 12–13): a field renamed on the
 * server breaks the UI's build instead of silently showing "undefined".
 */
export type { DeviceSummary, DeviceDetail, SeriesReply, HealthReply, Alert, AlertEvent, EffectiveRule, EffectiveLevel, Origin, Severity };
export type { RuleOverride, RuleOverrideEntry, MaintenanceEntry, NewMaintenance, OverrideSource };
export type { EventMap, EventName, StreamHello } from '../../../server/schemas/events.js';
export type WhoAmI = Static<typeof WhoAmISchema>;
export type { SlaReport } from '../../../server/reports/schema.js';
export type LatestValue = Static<typeof LatestValueSchema>;
export type DeviceState = DeviceSummary['state'];
export type Resolution = SeriesReply['resolution'];

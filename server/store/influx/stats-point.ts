import type { Point } from '../../../probes/types.js';
import type { SinkStats } from './sink.js';

/**
 * A sink's health as an `outpost` point, so the outbox of a site box is graphed and alerted on centrally
 * like any device. `sink` tells sinks apart; the caller adds `site` and `device` as for every point.
 * `last_error` is present only while there is one, so a dashboard's "last value" is the current error.
 */
export function sinkStatsPoint(s: SinkStats, now = Date.now()): Point {
  const fields: Point['fields'] = {
    outbox_points: s.outboxPoints,
    oldest_point_age_s: s.oldestPointAgeS,
    dropped_points: s.droppedPoints,
    rejected_points: s.rejectedPoints,
    sent_points: s.sentPoints,
    sink_state: s.state,
  };
  if (s.lastSuccessAt !== undefined) fields.last_success_at = Math.floor(s.lastSuccessAt / 1000);
  if (s.lastError !== undefined && s.state !== 'ok') fields.last_error = s.lastError.slice(0, 500);
  return { measurement: 'outpost', tags: { sink: s.name }, fields, time: now };
}

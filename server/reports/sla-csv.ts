import type { SlaReport, SlaTotals } from './schema.js';
import { csv, minutes, round } from './format.js';

const HEADER = ['scope', 'name', 'class', 'parent', 'period', 'uptime_pct', 'coverage_pct', 'up_min', 'down_min', 'down_unreachable_min', 'down_parent_min', 'maintenance_min', 'unknown_min'];

function figures(t: SlaTotals): Array<number | null> {
  return [round(t.uptimePct), round(t.coveragePct), minutes(t.upMs), minutes(t.downMs), minutes(t.downUnreachableMs), minutes(t.downParentMs), minutes(t.maintenanceMs), minutes(t.unknownMs)];
}

/**
 * One table a spreadsheet can pivot: the site, each class and each device for the month, then each device
 * per day. Minutes rather than ms because that is what an SLA credit is computed in.
 */
export function slaCsv(r: SlaReport): string {
  const rows: Array<Array<string | number | null>> = [];
  rows.push(['site', r.site.id, '', '', r.month, ...figures(r.sla.site)]);
  for (const c of r.sla.classes) rows.push(['class', c.class, c.class, '', r.month, ...figures(c.totals)]);
  for (const d of r.sla.devices) rows.push(['device', d.name, d.class, d.parent ?? '', r.month, ...figures(d.totals)]);
  for (const d of r.sla.devices) for (const day of d.days) rows.push(['device-day', d.name, d.class, d.parent ?? '', day.date, ...figures(day.totals)]);
  return csv(HEADER, rows);
}

/** Downtime incidents, one row each (times in the site's zone and as ISO UTC). */
export function incidentsCsv(r: SlaReport): string {
  const rows = r.sla.devices.flatMap((d) =>
    d.incidents.map((i) => [d.name, d.class, new Date(i.start).toISOString(), new Date(i.end).toISOString(), minutes(i.durationMs), i.cause, i.attributedTo ?? '', i.excluded ? 'yes' : 'no']),
  );
  return csv(['device', 'class', 'start', 'end', 'duration_min', 'cause', 'attributed_to', 'excluded_from_sla'], rows);
}

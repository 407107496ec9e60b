import type { DeviceSla, Incident, SlaReport, SlaTotals } from './schema.js';
import { escapeHtml as e, formatPct } from './format.js';
import { formatDuration, formatLocal } from './time.js';

/**
 * The monthly SLA report as one printable page: self-contained (inline CSS, no scripts, no external fonts or
 * images) so it can be mailed, archived and printed on A4 years later exactly as the client saw it.
 */

const CSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0; padding: 16px; max-width: 190mm; }
@media print { body { padding: 0; } }
h1 { font-size: 16pt; margin: 0 0 2px; }
h2 { font-size: 12pt; margin: 16px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; page-break-after: avoid; }
.sub { color: #444; margin: 0 0 10px; }
.cards { display: flex; gap: 8px; margin: 8px 0; }
.card { flex: 1; border: 1px solid #bbb; border-radius: 4px; padding: 6px 8px; }
.card b { display: block; font-size: 15pt; }
.card span { color: #444; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #ccc; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid td, .grid th { padding: 1px 0; letter-spacing: -0.3px; text-align: center; font-size: 6.5pt; width: 2.6%; }
.grid th.dev, .grid td.dev { text-align: left; width: auto; padding: 1px 3px; font-size: 7.5pt; white-space: nowrap; }
.ok { background: #cdeccd; } .warn { background: #fbe7a6; } .bad { background: #f4b4b4; } .na { background: #e4e4e4; color: #666; } .mnt { background: #c9dcf5; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 6px; border: 1px solid #ccc; }
.notes { font-size: 8.5pt; color: #333; }
.notes li { margin: 2px 0; }
.excluded { color: #555; font-style: italic; }
`;

const CAUSE: Record<Incident['cause'], string> = { unreachable: 'unreachable', 'parent-down': 'parent down', maintenance: 'maintenance (planned)' };

/** Colour a cell by uptime: green at or above 99.9 %, amber above 99 %, red below; grey when unmeasured. */
function cls(t: SlaTotals): string {
  if (t.uptimePct === null) return t.maintenanceMs > 0 ? 'mnt' : 'na';
  if (t.uptimePct >= 99.9) return 'ok';
  return t.uptimePct >= 99 ? 'warn' : 'bad';
}

function monthTitle(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function totalsCells(t: SlaTotals): string {
  return [
    `<td class="n ${cls(t)}">${formatPct(t.uptimePct)}</td>`,
    `<td class="n">${formatDuration(t.downMs)}</td>`,
    `<td class="n">${t.downParentMs ? formatDuration(t.downParentMs) : '–'}</td>`,
    `<td class="n">${t.maintenanceMs ? formatDuration(t.maintenanceMs) : '–'}</td>`,
    `<td class="n">${t.unknownMs ? formatDuration(t.unknownMs) : '–'}</td>`,
    `<td class="n">${formatPct(t.coveragePct, 1)}</td>`,
  ].join('');
}

const TOTALS_HEAD = '<th class="n">Uptime</th><th class="n">Downtime</th><th class="n">Parent down</th><th class="n">Maintenance</th><th class="n">No data</th><th class="n">Coverage</th>';

function dayGrid(devices: DeviceSla[]): string {
  const days = devices[0]?.days ?? [];
  if (!days.length) return '';
  const head = `<tr><th class="dev">Device</th>${days.map((d) => `<th>${Number(d.date.slice(8))}</th>`).join('')}</tr>`;
  const rows = devices.map(
    (d) =>
      `<tr><td class="dev">${e(d.name)}</td>${d.days
        .map((x) => {
          const p = x.totals.uptimePct;
          const base = p === null ? (x.totals.maintenanceMs > 0 ? 'M' : '·') : p >= 99.95 ? '✓' : p.toFixed(p >= 99 ? 1 : 0);
          // A day with a data gap must not read as a clean tick: mark it.
          const label = p !== null && x.totals.unknownMs > 0 ? `${base}*` : base;
          return `<td class="${cls(x.totals)}" title="${e(x.date)}: ${e(formatPct(p))}">${label}</td>`;
        })
        .join('')}</tr>`,
  );
  return `<table class="grid">${head}${rows.join('')}</table>
<p class="legend"><span class="ok">✓ ≥ 99.95 %</span><span class="ok">≥ 99.9 %</span><span class="warn">≥ 99 %</span><span class="bad">&lt; 99 %</span><span class="mnt">M maintenance only</span><span class="na">· no data</span>* part of the day had no data</p>`;
}

function incidentRows(r: SlaReport): string {
  const all = r.sla.devices.flatMap((d) => d.incidents).sort((a, b) => a.start - b.start || a.device.localeCompare(b.device));
  if (!all.length) return '<p>No downtime recorded this month.</p>';
  const tz = r.site.timezone;
  const rows = all.map(
    (i) => `<tr class="${i.excluded ? 'excluded' : ''}"><td>${e(i.device)}</td><td>${e(formatLocal(i.start, tz))}</td><td>${e(formatLocal(i.end, tz))}</td><td class="n">${formatDuration(i.durationMs)}</td><td>${e(CAUSE[i.cause])}${
      i.cause === 'parent-down' && i.attributedTo ? ` — attributed to <b>${e(i.attributedTo)}</b>` : i.cause === 'maintenance' && i.attributedTo && i.attributedTo !== i.device ? ` (window of ${e(i.attributedTo)})` : ''
    }</td><td>${i.excluded ? 'no (planned)' : 'yes'}</td></tr>`,
  );
  return `<table><tr><th>Device</th><th>Start</th><th>End</th><th class="n">Duration</th><th>Cause</th><th>Counts against SLA</th></tr>${rows.join('')}</table>`;
}

export function slaHtml(r: SlaReport): string {
  const s = r.sla.site;
  const counted = r.sla.devices.flatMap((d) => d.incidents).filter((i) => !i.excluded);
  const byClass = r.sla.classes.map((c) => `<tr><td>${e(c.class)}</td><td class="n">${c.devices}</td>${totalsCells(c.totals)}</tr>`).join('');
  const byDevice = r.sla.devices
    .map((d) => `<tr><td>${e(d.name)}</td><td>${e(d.class)}</td><td>${e(d.parent ?? '')}</td>${totalsCells(d.totals)}</tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Availability ${e(r.month)} — ${e(r.site.name)}</title><style>${CSS}</style></head>
<body>
<h1>Availability report — ${e(r.site.name)}</h1>
<p class="sub">${e(monthTitle(r.month))} · site <b>${e(r.site.id)}</b> · times in ${e(r.site.timezone)} · generated ${e(formatLocal(r.generatedAt, r.site.timezone))}</p>
<div class="cards">
<div class="card"><b>${formatPct(s.uptimePct)}</b><span>site uptime (all devices)</span></div>
<div class="card"><b>${r.sla.devices.length}</b><span>devices</span></div>
<div class="card"><b>${counted.length}</b><span>downtime incidents counted</span></div>
<div class="card"><b>${formatDuration(s.downMs)}</b><span>device downtime, total</span></div>
<div class="card"><b>${formatPct(s.coveragePct, 1)}</b><span>of the month measured</span></div>
</div>
<h2>By class</h2>
<table><tr><th>Class</th><th class="n">Devices</th>${TOTALS_HEAD}</tr>${byClass}</table>
<h2>By device</h2>
<table><tr><th>Device</th><th>Class</th><th>Behind</th>${TOTALS_HEAD}</tr>${byDevice}</table>
<h2>Day by day</h2>
${dayGrid(r.sla.devices)}
<h2>Downtime incidents</h2>
${incidentRows(r)}
<h2>How these figures are computed</h2>
<ul class="notes">${r.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>
</body></html>
`;
}

import type BetterSqlite3 from 'better-sqlite3';
import type { EmbeddedStore } from '../store/embedded.js';
import type { DeviceClass, FieldValue } from '../../probes/types.js';
import { retention } from '../config/resolve.js';
import { resolveWindow, type ResolvedWindow } from '../alerts/maintenance.js';
import { computeSla, type AvailabilitySample } from './sla.js';
import { monthRange } from './time.js';
import { reportsConfig, type WithReports } from './config.js';
import { inventoryReport, type InventoryInput } from './inventory.js';
import { firmwareReport, type FirmwareInput, type LicenceInput } from './firmware.js';
import type { FirmwareReport, InventoryReport, SlaReport } from './schema.js';

/**
 * The thin database side of the reports: read rows, hand arrays to the pure functions. Availability comes
 * from the roll-ups (5-minute for 90 days, hourly beyond): a month of raw points is not kept.
 */

const FIVE_MIN = 300_000;
const HOUR = 3_600_000;

/**
 * Availability of one device per roll-up bucket: up if any probe's max was 1; a bucket where every point of
 * every probe was a stale marker carries no news and is left out (unknown, not down).
 */
export function readAvailability(db: BetterSqlite3.Database, device: string, from: number, to: number, sliceMs: number): AvailabilitySample[] {
  const table = sliceMs >= HOUR ? 'points_1h' : 'points_5m';
  const series = db.prepare("SELECT id, field, tags_key FROM series WHERE device = ? AND measurement = 'availability' AND field IN ('up', 'stale')").all(device) as Array<{
    id: number;
    field: string;
    tags_key: string;
  }>;
  const stmt = db.prepare(`SELECT t, n, sum, max FROM ${table} WHERE sid = ? AND t >= ? AND t < ?`);
  const out: AvailabilitySample[] = [];
  for (const up of series.filter((s) => s.field === 'up')) {
    const staleSid = series.find((s) => s.field === 'stale' && s.tags_key === up.tags_key)?.id;
    const stale = new Map<number, number>();
    if (staleSid !== undefined) for (const r of stmt.all(staleSid, from, to) as Array<{ t: number; sum: number }>) stale.set(r.t, r.sum);
    for (const r of stmt.all(up.id, from, to) as Array<{ t: number; n: number; max: number }>) {
      const isUp = r.max > 0;
      out.push({ t: r.t, up: isUp, stale: !isUp && (stale.get(r.t) ?? 0) >= r.n });
    }
  }
  return out;
}

export interface ReportContext {
  store: EmbeddedStore;
  config: WithReports;
  now?: number;
}

function tz(cfg: WithReports): string {
  return cfg.site.timezone ?? 'UTC';
}

/** Class as detected (the store) unless the config overrides it. */
function classOf(ctx: ReportContext, name: string): DeviceClass {
  const override = ctx.config.devices.find((d) => d.name === name)?.class;
  return (override ?? ctx.store.device(name)?.class ?? 'unknown') as DeviceClass;
}

export const SLA_NOTES = [
  'Uptime = time up ÷ (time up + time down), per 5-minute slice; a device is up in a slice if any probe (ping, SNMP) answered in it.',
  'Slices with no data are "unknown": reported separately (coverage) and never counted as up.',
  'Downtime while a parent device (switch, firewall) was down is counted for the device and attributed to that parent ("parent down").',
  'Maintenance windows (alerts.maintenance) are excluded from the SLA: downtime inside them is listed as planned.',
];

/** The monthly SLA report for the configured devices. Throws a readable message for a bad month. */
export function slaReport(ctx: ReportContext, month: string): SlaReport {
  const cfg = ctx.config;
  const zone = tz(cfg);
  const range = monthRange(month, zone);
  // Roll-ups are written when their bucket closes; the current month's report must include the open ones.
  ctx.store.settleRollups();
  const now = ctx.now ?? Date.now();
  const fiveMinKeep = retention(cfg).fiveMinMs;
  const sliceMs = range.from >= now - fiveMinKeep ? FIVE_MIN : HOUR;
  const windows: ResolvedWindow[] = [];
  for (const w of cfg.alerts?.maintenance ?? []) {
    try {
      windows.push(resolveWindow(w, zone));
    } catch {
      // check-config reports a bad window; the report goes on without it rather than failing the month.
    }
  }
  const sla = computeSla({
    from: range.from,
    to: range.to,
    sliceMs,
    days: range.days,
    maintenance: windows,
    devices: cfg.devices.map((d) => ({
      name: d.name,
      class: classOf(ctx, d.name),
      ...(d.parent ? { parent: d.parent } : {}),
      samples: readAvailability(ctx.store.db, d.name, range.from, range.to, sliceMs),
    })),
  });
  const notes = [...SLA_NOTES];
  if (sliceMs === HOUR) notes[0] = notes[0]!.replace('5-minute', 'hourly (5-minute roll-ups for this month are past retention)');
  if (range.to > now) notes.push(`The month is not over: figures cover up to ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')} UTC; the rest is unknown.`);
  return { site: { id: cfg.site.id, name: cfg.site.name ?? cfg.site.id, timezone: zone }, month, generatedAt: now, sla, notes };
}

const num = (v: FieldValue | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: FieldValue | string | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function inventoryInputs(store: EmbeddedStore): InventoryInput[] {
  return store.devices().map((d) => {
    const latest = store.latest(d.name);
    const ups = latest.find((l) => l.measurement === 'ups');
    const id = d.identity;
    return compact<InventoryInput>({
      device: d.name,
      host: d.host,
      class: d.class,
      vendor: str(id.vendor),
      model: str(id.model),
      serial: str(id.serial),
      firmware: str(id.version),
      firstSeen: d.firstSeen,
      disks: latest
        .filter((l) => l.measurement === 'disk')
        .map((l) =>
          compact({ disk: l.tags.disk ?? '?', model: str(l.tags.model), powerOnHours: num(l.fields.power_on_hours), percentageUsed: num(l.fields.percentage_used), health: str(l.fields.health) }),
        ),
      batteryInstalledAt: num(ups?.fields.battery_installed_at),
      batteryAgeDays: num(ups?.fields.battery_age_days),
    });
  });
}

export function inventory(ctx: ReportContext): InventoryReport {
  return inventoryReport(inventoryInputs(ctx.store), reportsConfig(ctx.config), ctx.now ?? Date.now());
}

export function firmware(ctx: ReportContext): FirmwareReport {
  const devices: FirmwareInput[] = [];
  const licences: LicenceInput[] = [];
  for (const d of ctx.store.devices()) {
    devices.push(compact({ device: d.name, class: d.class, vendor: str(d.identity.vendor), model: str(d.identity.model), version: str(d.identity.version) }));
    for (const l of ctx.store.latest(d.name).filter((x) => x.measurement === 'license')) {
      licences.push(compact({ device: d.name, name: l.tags.name ?? '?', expiresAt: num(l.fields.expires_at), daysLeft: num(l.fields.days_left), status: str(l.fields.status) }));
    }
  }
  return firmwareReport(devices, licences, reportsConfig(ctx.config), ctx.now ?? Date.now());
}

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Identity, Point, FieldValue } from '../../probes/types.js';

/**
 * The embedded store: device state, latest values and numeric time series with roll-ups, in one SQLite file
 * (WAL). Writes are buffered and committed in one transaction per flush: on an SD card one write per point
 * would wear the card and stall the poller.
 *
 * Series are narrow (one row per numeric field per time) keyed by an integer series id, WITHOUT ROWID, which
 * keeps a row near 20 bytes. Raw interface counters are not charted (their rates are), so they are kept in
 * `latest` and sent to InfluxDB but not stored as embedded series.
 */
export interface Retention {
  rawMs: number;
  fiveMinMs: number;
  hourlyMs: number;
}

export type DeviceState = 'up' | 'down' | 'stale' | 'unknown';

export interface DeviceRow {
  name: string;
  host: string;
  class: string;
  identity: Partial<Identity>;
  state: DeviceState;
  firstSeen: number | null;
  lastPoll: number | null;
  lastOk: number | null;
  lastError: string | null;
}

export interface LatestRow {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  time: number;
}

export interface SeriesQuery {
  device: string;
  measurement: string;
  field: string;
  from: number;
  to: number;
  /** Restrict to series whose tags include these (e.g. one interface). */
  tags?: Record<string, string>;
}

export interface SeriesResult {
  resolution: 'raw' | '5m' | '1h';
  series: Array<{ tags: Record<string, string>; points: Array<[time: number, avg: number, min: number, max: number]> }>;
}

/** Fields not worth a chart: monotonic raw counters (the rates are stored) and descriptive constants. */
const NOT_CHARTED = new Set(['interface.in_octets', 'interface.out_octets', 'interface.in_errors', 'interface.out_errors', 'interface.in_discards', 'interface.out_discards', 'interface.speed_bps', 'interface.admin_up']);

const FIVE_MIN = 300_000;
const HOUR = 3_600_000;

function tagsKey(tags: Record<string, string>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
}

export class EmbeddedStore {
  readonly db: Database.Database;
  private pending: Array<{ device: string; points: Point[] }> = [];
  private pendingStates: Array<{ name: string; patch: Partial<DeviceRow> & { host?: string } }> = [];
  private seriesIds = new Map<string, number>();
  private readonly stmts;
  pointsWritten = 0;

  constructor(
    dir: string,
    private readonly retention: Retention,
  ) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, 'outpost.db'));
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode keeps the database consistent on power loss and may lose only the last commit.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS devices (
        name TEXT PRIMARY KEY, host TEXT NOT NULL, class TEXT NOT NULL DEFAULT 'unknown', identity TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'unknown', first_seen INTEGER, last_poll INTEGER, last_ok INTEGER, last_error TEXT);
      CREATE TABLE IF NOT EXISTS latest (
        device TEXT NOT NULL, measurement TEXT NOT NULL, tags_key TEXT NOT NULL, tags TEXT NOT NULL, fields TEXT NOT NULL, time INTEGER NOT NULL,
        PRIMARY KEY (device, measurement, tags_key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS series (
        id INTEGER PRIMARY KEY, device TEXT NOT NULL, measurement TEXT NOT NULL, field TEXT NOT NULL, tags_key TEXT NOT NULL, tags TEXT NOT NULL,
        UNIQUE (device, measurement, field, tags_key));
      CREATE TABLE IF NOT EXISTS points_raw (sid INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS points_5m (sid INTEGER NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS points_1h (sid INTEGER NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;
    `);
    const rollup = (table: string) =>
      this.db.prepare(
        `INSERT INTO ${table} (sid, t, sum, n, min, max) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT (sid, t) DO UPDATE SET sum = sum + excluded.sum, n = n + 1, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
      );
    this.stmts = {
      seriesGet: this.db.prepare('SELECT id FROM series WHERE device = ? AND measurement = ? AND field = ? AND tags_key = ?'),
      seriesAdd: this.db.prepare('INSERT INTO series (device, measurement, field, tags_key, tags) VALUES (?, ?, ?, ?, ?)'),
      raw: this.db.prepare('INSERT OR REPLACE INTO points_raw (sid, t, v) VALUES (?, ?, ?)'),
      r5: rollup('points_5m'),
      r1h: rollup('points_1h'),
      latest: this.db.prepare('INSERT OR REPLACE INTO latest (device, measurement, tags_key, tags, fields, time) VALUES (?, ?, ?, ?, ?, ?)'),
      deviceUpsert: this.db.prepare(
        `INSERT INTO devices (name, host) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET host = excluded.host`,
      ),
    };
  }

  /** Make sure configured devices exist (so the API lists a device before its first poll completes). */
  syncDevices(devices: Array<{ name: string; host: string }>): void {
    const tx = this.db.transaction(() => {
      for (const d of devices) this.stmts.deviceUpsert.run(d.name, d.host);
    });
    tx();
  }

  /** Remove devices no longer configured from the device list (their history stays until retention removes it). */
  pruneDevices(keep: Set<string>): void {
    for (const row of this.db.prepare('SELECT name FROM devices').all() as Array<{ name: string }>) {
      if (!keep.has(row.name)) this.db.prepare('DELETE FROM devices WHERE name = ?').run(row.name);
    }
  }

  /** Queue a device's points for the next flush. Cheap: no I/O here. */
  write(device: string, points: Point[]): void {
    if (points.length) this.pending.push({ device, points });
  }

  /** Queue a device state change (identity, up/down/stale). */
  setDeviceState(name: string, patch: Partial<Omit<DeviceRow, 'name'>>): void {
    this.pendingStates.push({ name, patch });
  }

  private seriesId(device: string, measurement: string, field: string, tk: string, tags: Record<string, string>): number {
    const key = `${device}\u0000${measurement}\u0000${field}\u0000${tk}`;
    let id = this.seriesIds.get(key);
    if (id !== undefined) return id;
    const row = this.stmts.seriesGet.get(device, measurement, field, tk) as { id: number } | undefined;
    id = row ? row.id : Number(this.stmts.seriesAdd.run(device, measurement, field, tk, JSON.stringify(tags)).lastInsertRowid);
    this.seriesIds.set(key, id);
    return id;
  }

  /** Commit everything queued in one transaction. Returns how many points were written. */
  flush(): number {
    if (!this.pending.length && !this.pendingStates.length) return 0;
    const batch = this.pending;
    const states = this.pendingStates;
    this.pending = [];
    this.pendingStates = [];
    let n = 0;
    const tx = this.db.transaction(() => {
      for (const { device, points } of batch) {
        for (const p of points) {
          const t = p.time ?? Date.now();
          const tk = tagsKey(p.tags);
          this.stmts.latest.run(device, p.measurement, tk, JSON.stringify(p.tags), JSON.stringify(p.fields), t);
          for (const [field, raw] of Object.entries(p.fields)) {
            const v = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
            if (typeof v !== 'number' || !Number.isFinite(v)) continue;
            if (NOT_CHARTED.has(`${p.measurement}.${field}`)) continue;
            const sid = this.seriesId(device, p.measurement, field, tk, p.tags);
            this.stmts.raw.run(sid, t, v);
            this.stmts.r5.run(sid, t - (t % FIVE_MIN), v, v, v);
            this.stmts.r1h.run(sid, t - (t % HOUR), v, v, v);
          }
          n++;
        }
      }
      for (const { name, patch } of states) this.applyState(name, patch);
    });
    tx();
    this.pointsWritten += n;
    return n;
  }

  private applyState(name: string, patch: Partial<Omit<DeviceRow, 'name'>>): void {
    const sets: string[] = [];
    const vals: unknown[] = [];
    const col: Record<string, string> = { host: 'host', class: 'class', state: 'state', firstSeen: 'first_seen', lastPoll: 'last_poll', lastOk: 'last_ok', lastError: 'last_error' };
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'identity') {
        sets.push('identity = ?');
        vals.push(JSON.stringify(v));
      } else if (col[k]) {
        sets.push(`${col[k]} = ?`);
        vals.push(v);
      }
    }
    if (patch.lastOk) {
      sets.push('first_seen = COALESCE(first_seen, ?)');
      vals.push(patch.lastOk);
    }
    if (!sets.length) return;
    this.db.prepare(`UPDATE devices SET ${sets.join(', ')} WHERE name = ?`).run(...vals, name);
  }

  devices(): DeviceRow[] {
    return (this.db.prepare('SELECT * FROM devices ORDER BY name').all() as Array<Record<string, unknown>>).map(toDeviceRow);
  }

  device(name: string): DeviceRow | undefined {
    const r = this.db.prepare('SELECT * FROM devices WHERE name = ?').get(name) as Record<string, unknown> | undefined;
    return r ? toDeviceRow(r) : undefined;
  }

  latest(device: string): LatestRow[] {
    return (this.db.prepare('SELECT measurement, tags, fields, time FROM latest WHERE device = ? ORDER BY measurement, tags_key').all(device) as Array<Record<string, string | number>>).map((r) => ({
      measurement: String(r.measurement),
      tags: JSON.parse(String(r.tags)),
      fields: JSON.parse(String(r.fields)),
      time: Number(r.time),
    }));
  }

  /** Pick the resolution that fits the range: raw up to 2 days (if still retained), 5-minute up to 31 days, else hourly. */
  resolutionFor(from: number, to: number, now = Date.now()): SeriesResult['resolution'] {
    const span = to - from;
    if (span <= 2 * 86_400_000 && from >= now - this.retention.rawMs) return 'raw';
    if (span <= 31 * 86_400_000 && from >= now - this.retention.fiveMinMs) return '5m';
    return '1h';
  }

  series(q: SeriesQuery, now = Date.now()): SeriesResult {
    const resolution = this.resolutionFor(q.from, q.to, now);
    const rows = this.db.prepare('SELECT id, tags FROM series WHERE device = ? AND measurement = ? AND field = ?').all(q.device, q.measurement, q.field) as Array<{ id: number; tags: string }>;
    const out: SeriesResult = { resolution, series: [] };
    const stmt =
      resolution === 'raw'
        ? this.db.prepare('SELECT t, v AS a, v AS mn, v AS mx FROM points_raw WHERE sid = ? AND t BETWEEN ? AND ? ORDER BY t')
        : this.db.prepare(`SELECT t, sum / n AS a, min AS mn, max AS mx FROM ${resolution === '5m' ? 'points_5m' : 'points_1h'} WHERE sid = ? AND t BETWEEN ? AND ? ORDER BY t`);
    for (const r of rows) {
      const tags = JSON.parse(r.tags) as Record<string, string>;
      if (q.tags && Object.entries(q.tags).some(([k, v]) => tags[k] !== v)) continue;
      const pts = (stmt.all(r.id, q.from, q.to) as Array<{ t: number; a: number; mn: number; mx: number }>).map(
        (p) => [p.t, round(p.a), p.mn, p.mx] as [number, number, number, number],
      );
      out.series.push({ tags, points: pts });
    }
    return out;
  }

  /** Drop what is past retention. Run hourly; cheap because every table is keyed by (series, time). */
  prune(now = Date.now()): void {
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM points_raw WHERE t < ?').run(now - this.retention.rawMs);
      this.db.prepare('DELETE FROM points_5m WHERE t < ?').run(now - this.retention.fiveMinMs);
      this.db.prepare('DELETE FROM points_1h WHERE t < ?').run(now - this.retention.hourlyMs);
    });
    tx();
  }

  sizeBytes(): number {
    const r = this.db.prepare('SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()').get() as { b: number };
    return r.b;
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function toDeviceRow(r: Record<string, unknown>): DeviceRow {
  return {
    name: String(r.name),
    host: String(r.host),
    class: String(r.class),
    identity: JSON.parse(String(r.identity ?? '{}')),
    state: String(r.state) as DeviceState,
    firstSeen: (r.first_seen as number | null) ?? null,
    lastPoll: (r.last_poll as number | null) ?? null,
    lastOk: (r.last_ok as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
  };
}

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Identity, Point, FieldValue } from '../../probes/types.js';
import { packValues, unpackValues } from './packed.js';
import { FIVE_MIN, HOUR, Rollups, slotOf, type RollupSeries, type Width } from './rollups.js';

/**
 * The embedded store: device state, latest values and numeric time series with roll-ups, in one SQLite file
 * (WAL). Writes are buffered and committed in one transaction per flush: on an SD card one write per point
 * would wear the card and stall the poller.
 *
 * Raw points are one row per point (device, measurement, tag set) per poll: `raw_series` names the point and
 * lists its numeric fields once, `raw_points` (raw_series id, time) WITHOUT ROWID holds the values packed
 * (packed.ts: 1–3 bytes for an integer or a 0.001-exact value). A row per field, as before, cost ≈35 bytes per
 * field per poll with its B-tree overhead; 1000 devices polled every minute wrote ≈2 GB a day.
 * Roll-ups stay one row per field per bucket (`series` id, bucket start), read by reports as well; they are
 * aggregated in memory and written when their bucket closes (rollups.ts), rebuilt from raw after a crash.
 * Raw interface counters are not charted (their rates are), so they are kept in `latest` and sent to InfluxDB but
 * not stored as embedded series.
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
const NOT_CHARTED = new Map([['interface', new Set(['in_octets', 'out_octets', 'in_errors', 'out_errors', 'in_discards', 'out_discards', 'speed_bps', 'admin_up'])]]);

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
  /** device → (measurement + tags in the point's own key order) → series: one Map hit per point, no sort. */
  private cache = new Map<string, Map<string, SeriesEntry>>();
  /** device → (measurement + canonical tags key) → series: finds the entry when a point orders its tags differently. */
  private canonical = new Map<string, Map<string, SeriesEntry>>();
  private readonly stmts;
  private readonly rollups: Rollups;
  private readonly stateStmts = new Map<string, Database.Statement>();
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
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection. Writes touch one leaf per series (18,000
    // at 1,000 devices), more than either size holds, so the OS page cache serves them anyway; 4 MB keeps the
    // appliance's RSS down on a 1 GB box at no measured cost.
    this.db.pragma('cache_size = -4000');
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
      CREATE TABLE IF NOT EXISTS raw_series (
        id INTEGER PRIMARY KEY, device TEXT NOT NULL, measurement TEXT NOT NULL, tags_key TEXT NOT NULL, fields TEXT NOT NULL,
        UNIQUE (device, measurement, tags_key));
      CREATE TABLE IF NOT EXISTS raw_points (rid INTEGER NOT NULL, t INTEGER NOT NULL, v BLOB NOT NULL, PRIMARY KEY (rid, t)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS points_5m (sid INTEGER NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS points_1h (sid INTEGER NOT NULL, t INTEGER NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (sid, t)) WITHOUT ROWID;
    `);
    migrateRawPoints(this.db);
    this.rollups = new Rollups(this.db);
    // A crash lost the open roll-up buckets: recompute them from raw before anything new arrives.
    this.rollups.rebuildFromRaw();
    this.stmts = {
      seriesGet: this.db.prepare('SELECT id FROM series WHERE device = ? AND measurement = ? AND field = ? AND tags_key = ?'),
      seriesAdd: this.db.prepare('INSERT INTO series (device, measurement, field, tags_key, tags) VALUES (?, ?, ?, ?, ?)'),
      raw: this.db.prepare('INSERT OR REPLACE INTO raw_points (rid, t, v) VALUES (?, ?, ?)'),
      rawSeriesGet: this.db.prepare('SELECT id, fields FROM raw_series WHERE device = ? AND measurement = ? AND tags_key = ?'),
      rawSeriesAdd: this.db.prepare('INSERT INTO raw_series (device, measurement, tags_key, fields) VALUES (?, ?, ?, ?)'),
      rawSeriesFields: this.db.prepare('UPDATE raw_series SET fields = ? WHERE id = ?'),
      latest: this.db.prepare('INSERT OR REPLACE INTO latest (device, measurement, tags_key, tags, fields, time) VALUES (?, ?, ?, ?, ?, ?)'),
      latestTime: this.db.prepare('UPDATE latest SET time = ? WHERE device = ? AND measurement = ? AND tags_key = ?'),
      deviceNames: this.db.prepare('SELECT name FROM devices'),
      deviceDelete: this.db.prepare('DELETE FROM devices WHERE name = ?'),
      devices: this.db.prepare('SELECT * FROM devices ORDER BY name'),
      device: this.db.prepare('SELECT * FROM devices WHERE name = ?'),
      latestOf: this.db.prepare('SELECT measurement, tags, fields, time FROM latest WHERE device = ? ORDER BY measurement, tags_key'),
      seriesOf: this.db.prepare('SELECT id, tags_key, tags FROM series WHERE device = ? AND measurement = ? AND field = ?'),
      rolled5m: this.db.prepare('SELECT t, sum, n, min AS mn, max AS mx FROM points_5m WHERE sid = ? AND t BETWEEN ? AND ? ORDER BY t'),
      rolled1h: this.db.prepare('SELECT t, sum, n, min AS mn, max AS mx FROM points_1h WHERE sid = ? AND t BETWEEN ? AND ? ORDER BY t'),
      rawRange: this.db.prepare('SELECT t, v FROM raw_points WHERE rid = ? AND t BETWEEN ? AND ? ORDER BY t'),
      pruneRaw: this.db.prepare('DELETE FROM raw_points WHERE t < ?'),
      prune5m: this.db.prepare('DELETE FROM points_5m WHERE t < ?'),
      prune1h: this.db.prepare('DELETE FROM points_1h WHERE t < ?'),
      size: this.db.prepare('SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()'),
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
    for (const row of this.stmts.deviceNames.all() as Array<{ name: string }>) {
      if (!keep.has(row.name)) this.stmts.deviceDelete.run(row.name);
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

  /**
   * The series entry of a point (device, measurement, tag set): its canonical tags key and tags JSON, computed once,
   * and its raw series once it has numeric fields. Found by one Map hit on measurement + tags in the point's own key
   * order (a probe builds its tags the same way every poll); a miss falls back to the canonical (sorted) key, so a
   * different key order finds the same series. One entry per point series (≈15 per device), not per field.
   */
  private entryFor(device: string, p: Point): SeriesEntry {
    let byKey = this.cache.get(device);
    if (!byKey) this.cache.set(device, (byKey = new Map()));
    let key = p.measurement;
    for (const k in p.tags) key += `\u0000${k}\u0001${p.tags[k]}`;
    let e = byKey.get(key);
    if (e) return e;
    const tk = tagsKey(p.tags);
    let byCanon = this.canonical.get(device);
    if (!byCanon) this.canonical.set(device, (byCanon = new Map()));
    const canon = `${p.measurement}\u0000${tk}`;
    e = byCanon.get(canon);
    if (!e) byCanon.set(canon, (e = { tk, tagsJson: JSON.stringify(p.tags) }));
    byKey.set(key, e);
    return e;
  }

  /**
   * The raw series of an entry, from the database or new; its field list grows (and is saved) when the point brings
   * a new field, and each field gets its roll-up `series` id. Returns each of `names`' slot in `at`.
   */
  private rawFor(device: string, measurement: string, e: SeriesEntry, names: string[], at: number[]): RawSeries {
    let rs = e.raw;
    if (!rs) {
      const row = this.stmts.rawSeriesGet.get(device, measurement, e.tk) as { id: number; fields: string } | undefined;
      if (row) {
        const fields = JSON.parse(row.fields) as string[];
        // Sized, not grown from []: V8 reserves 17 elements for an empty array filled by index (see newBucket).
        rs = { id: row.id, fields, sids: new Array<number>(fields.length), open: undefined };
      } else {
        const id = Number(this.stmts.rawSeriesAdd.run(device, measurement, e.tk, JSON.stringify(names)).lastInsertRowid);
        rs = { id, fields: [...names], sids: new Array<number>(names.length), open: undefined };
      }
      e.raw = rs;
    }
    let grown = false;
    for (let i = 0; i < names.length; i++) {
      const f = names[i]!;
      // Fields usually come in the series' own order: check the same slot first.
      let slot = rs.fields[i] === f ? i : rs.fields.indexOf(f);
      if (slot < 0) {
        slot = rs.fields.push(f) - 1;
        grown = true;
      }
      at[i] = slot;
      if (rs.sids[slot] === undefined) {
        const row = this.stmts.seriesGet.get(device, measurement, f, e.tk) as { id: number } | undefined;
        rs.sids[slot] = row ? row.id : Number(this.stmts.seriesAdd.run(device, measurement, f, e.tk, e.tagsJson).lastInsertRowid);
      }
    }
    if (grown) this.stmts.rawSeriesFields.run(JSON.stringify(rs.fields), rs.id);
    return rs;
  }

  /** Commit everything queued in one transaction. Returns how many points were written. */
  flush(): number {
    if (!this.pending.length && !this.pendingStates.length) return 0;
    const batch = this.pending;
    const states = this.pendingStates;
    this.pending = [];
    this.pendingStates = [];
    let n = 0;
    // Buckets that ended by now (or by the newest point, if the clock lags the points) are written this flush.
    let newest = Date.now();
    const names: string[] = [];
    const values: number[] = [];
    const at: number[] = [];
    const slots: Array<number | undefined> = [];
    const tx = this.db.transaction(() => {
      for (const { device, points } of batch) {
        for (const p of points) {
          const t = p.time ?? Date.now();
          if (t > newest) newest = t;
          const e = this.entryFor(device, p);
          this.writeLatest(device, p, e, t);
          names.length = 0;
          values.length = 0;
          const notCharted = NOT_CHARTED.get(p.measurement);
          for (const field in p.fields) {
            const raw = p.fields[field];
            const v = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
            if (typeof v !== 'number' || !Number.isFinite(v)) continue;
            if (notCharted?.has(field)) continue;
            names.push(field);
            values.push(v);
          }
          if (names.length) {
            at.length = names.length;
            const rs = this.rawFor(device, p.measurement, e, names, at);
            slots.length = rs.fields.length;
            slots.fill(undefined);
            for (let i = 0; i < names.length; i++) slots[at[i]!] = values[i]!;
            this.rollups.add(rs, t, at, values);
            this.stmts.raw.run(rs.id, t, packValues(slots));
          }
          n++;
        }
      }
      this.rollups.closeUpTo(newest);
      for (const { name, patch } of states) this.applyState(name, patch);
    });
    tx();
    this.pointsWritten += n;
    return n;
  }

  /** Latest values of a point; when they are the same as last written, only the time changes (no JSON). */
  private writeLatest(device: string, p: Point, e: SeriesEntry, t: number): void {
    const last = e.lastFields;
    if (last) {
      let same = true;
      let count = 0;
      for (const k in p.fields) {
        count++;
        if (last[k] !== p.fields[k]) {
          same = false;
          break;
        }
      }
      if (same && count === e.lastFieldCount) {
        this.stmts.latestTime.run(t, device, p.measurement, e.tk);
        e.misses = 0;
        return;
      }
    }
    this.stmts.latest.run(device, p.measurement, e.tk, e.tagsJson, JSON.stringify(p.fields), t);
    // Series whose values change every poll (interface counters, uptime) never match: a copy of their fields is
    // ~400 B of heap per series (7 MB at 1,000 devices) for nothing. Copies are kept while they pay off; after 3
    // changed writes in a row only every 16th write takes one, so a port that goes quiet gets the cheap path back.
    const misses = (e.misses ?? 0) + 1;
    e.misses = misses;
    if (misses <= 3 || misses % 16 === 0) {
      // A copy: the caller's object may be reused or changed after write().
      e.lastFields = { ...p.fields };
      e.lastFieldCount = Object.keys(e.lastFields).length;
    } else e.lastFields = undefined;
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
    // Few distinct patches exist (the scheduler's handful of shapes): one prepared statement each.
    const sql = `UPDATE devices SET ${sets.join(', ')} WHERE name = ?`;
    let stmt = this.stateStmts.get(sql);
    if (!stmt) this.stateStmts.set(sql, (stmt = this.db.prepare(sql)));
    stmt.run(...vals, name);
  }

  devices(): DeviceRow[] {
    return (this.stmts.devices.all() as Array<Record<string, unknown>>).map(toDeviceRow);
  }

  /** As of the last flush, like `latest()`: a device's state and its values become visible together. */
  device(name: string): DeviceRow | undefined {
    const r = this.stmts.device.get(name) as Record<string, unknown> | undefined;
    return r ? toDeviceRow(r) : undefined;
  }

  latest(device: string): LatestRow[] {
    return (this.stmts.latestOf.all(device) as Array<Record<string, string | number>>).map((r) => ({
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
    const rows = this.stmts.seriesOf.all(q.device, q.measurement, q.field) as Array<{ id: number; tags_key: string; tags: string }>;
    const out: SeriesResult = { resolution, series: [] };
    for (const r of rows) {
      const tags = JSON.parse(r.tags) as Record<string, string>;
      if (q.tags && Object.entries(q.tags).some(([k, v]) => tags[k] !== v)) continue;
      let pts: Array<[number, number, number, number]> = [];
      const rs = this.rawSeriesOf(q.device, q.measurement, r.tags_key);
      const at = rs ? rs.fields.indexOf(q.field) : -1;
      if (resolution === 'raw') {
        if (rs && at >= 0) {
          for (const p of this.stmts.rawRange.all(rs.id, q.from, q.to) as Array<{ t: number; v: Buffer }>) {
            const v = unpackValues(p.v, at + 1)[at];
            if (v !== undefined) pts.push([p.t, round(v), v, v]);
          }
        }
      } else {
        const width: Width = resolution === '5m' ? FIVE_MIN : HOUR;
        const stmt = resolution === '5m' ? this.stmts.rolled5m : this.stmts.rolled1h;
        const rolled = stmt.all(r.id, q.from, q.to) as Array<{ t: number; sum: number; n: number; mn: number; mx: number }>;
        // The open bucket is still in memory (written when it closes): add its part.
        const open = rs && at >= 0 && 'open' in rs ? Rollups.openPart(rs, width, q.from, q.to) : undefined;
        const part = open && slotOf(open, at);
        if (part) mergeOpen(rolled, open.t, part);
        pts = rolled.map((p) => [p.t, round(p.sum / p.n), p.mn, p.mx]);
      }
      out.series.push({ tags, points: pts });
    }
    return out;
  }

  /** The cached raw series (with its open roll-up buckets) or, if not written by this process yet, its row. */
  private rawSeriesOf(device: string, measurement: string, tk: string): RawSeries | { id: number; fields: string[] } | undefined {
    const cached = this.canonical.get(device)?.get(`${measurement}\u0000${tk}`)?.raw;
    if (cached) return cached;
    const row = this.stmts.rawSeriesGet.get(device, measurement, tk) as { id: number; fields: string } | undefined;
    return row ? { id: row.id, fields: JSON.parse(row.fields) as string[] } : undefined;
  }

  /** Drop what is past retention. Run hourly; cheap because every table is keyed by (series, time). */
  prune(now = Date.now()): void {
    const tx = this.db.transaction(() => {
      this.stmts.pruneRaw.run(now - this.retention.rawMs);
      this.stmts.prune5m.run(now - this.retention.fiveMinMs);
      this.stmts.prune1h.run(now - this.retention.hourlyMs);
    });
    tx();
  }

  sizeBytes(): number {
    const r = this.stmts.size.get() as { b: number };
    return r.b;
  }

  /**
   * Write the roll-up buckets still open (merged into their rows), so reports reading points_5m/points_1h see
   * up to the last flush. Later points of those buckets are added to the same rows when they close.
   */
  settleRollups(): void {
    this.flush();
    const tx = this.db.transaction(() => this.rollups.closeUpTo(Infinity));
    tx();
  }

  close(): void {
    this.settleRollups();
    this.db.close();
  }
}

/** A point series (device, measurement, tag set) as this process knows it. */
interface SeriesEntry {
  tk: string;
  tagsJson: string;
  /** Set once the point had numeric fields. */
  raw?: RawSeries;
  /** Fields last written to `latest` (a copy), to skip re-encoding unchanged ones. */
  lastFields?: Record<string, FieldValue>;
  lastFieldCount?: number;
  /** Full (changed) writes of `latest` in a row since the last unchanged one. */
  misses?: number;
}

interface RawSeries extends RollupSeries {
  id: number;
  /** Numeric fields in slot order (packed.ts); `sids` (RollupSeries) holds the roll-up `series` id of each. */
  fields: string[];
}

/** Add a bucket's unwritten part (one field's aggregate) to the row read for its time, or as a row of its own. */
function mergeOpen(rows: Array<{ t: number; sum: number; n: number; mn: number; mx: number }>, t: number, a: NonNullable<ReturnType<typeof slotOf>>): void {
  const row = rows.find((r) => r.t === t);
  if (row) {
    row.sum += a.sum;
    row.n += a.n;
    row.mn = Math.min(row.mn, a.min);
    row.mx = Math.max(row.mx, a.max);
  } else {
    rows.push({ t, sum: a.sum, n: a.n, mn: a.min, mx: a.max });
    rows.sort((x, y) => x.t - y.t);
  }
}

/**
 * An appliance upgraded in place has raw points one row per field (`points_raw`, keyed by `series` id): pivot them
 * into packed rows per point and drop the old table, in one transaction (a crash leaves the old table intact).
 */
function migrateRawPoints(db: Database.Database): void {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'points_raw'").get();
  if (!old) return;
  const migrate = db.transaction(() => {
    const series = db.prepare('SELECT id, device, measurement, field, tags_key FROM series ORDER BY device, measurement, tags_key, id').all() as Array<{
      id: number;
      device: string;
      measurement: string;
      field: string;
      tags_key: string;
    }>;
    const groups = new Map<string, typeof series>();
    for (const s of series) {
      const key = `${s.device}\u0000${s.measurement}\u0000${s.tags_key}`;
      const g = groups.get(key) ?? [];
      g.push(s);
      groups.set(key, g);
    }
    const add = db.prepare('INSERT INTO raw_series (device, measurement, tags_key, fields) VALUES (?, ?, ?, ?)');
    const put = db.prepare('INSERT OR REPLACE INTO raw_points (rid, t, v) VALUES (?, ?, ?)');
    const read = db.prepare('SELECT t, v FROM points_raw WHERE sid = ?');
    for (const g of groups.values()) {
      const first = g[0]!;
      const byTime = new Map<number, Array<number | undefined>>();
      g.forEach((s, i) => {
        for (const r of read.iterate(s.id) as Iterable<{ t: number; v: number }>) {
          const slots = byTime.get(r.t) ?? new Array<number | undefined>(g.length).fill(undefined);
          slots[i] = r.v;
          byTime.set(r.t, slots);
        }
      });
      if (!byTime.size) continue;
      const rid = Number(add.run(first.device, first.measurement, first.tags_key, JSON.stringify(g.map((s) => s.field))).lastInsertRowid);
      for (const [t, slots] of byTime) put.run(rid, t, packValues(slots));
    }
    db.exec('DROP TABLE points_raw');
  });
  migrate();
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

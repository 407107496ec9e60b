import type Database from 'better-sqlite3';
import type { Point } from '../../probes/types.js';
import type { Reason, SmartDisk, SmartReport, Verdict } from '../../probes/smart/types.js';

/**
 * Disk identity and history across sources. One physical disk can be seen by the box's own smartctl, pushed by
 * a server (POST /api/smart) and listed in a NAS's SNMP table; it is one disk, keyed by what survives a move to
 * another port, controller or host: serial (with the model, because placeholder and vendor-reused serials do
 * collide), else WWN, else the reporting device's own name for it (a NAS slot, a device path).
 *
 * Keeps, per disk, the last readable smartctl reading so the next push is judged against it (trend escalation),
 * and per source when it was last seen, so a disk that leaves a NAS table or stops being pushed turns `missing`
 * after MISSING_AFTER expected intervals instead of silently keeping its last verdict.
 */

/** Expected intervals without a sighting before a disk is missing: one late cron run or poll is not news. */
export const MISSING_AFTER = 3;

/** Where a sighting came from: `push` (POSTed smartctl JSON), `smartctl` (local probe), `snmp` (NAS table). */
export type DiskSource = 'push' | 'smartctl' | 'snmp' | 'cli' | 'file';

export interface DiskIdentity {
  serial?: string;
  wwn?: string;
  model?: string;
  /** The reporting device's name for the disk (NAS slot, `/dev/sda`, `/dev/bus/0:sat+megaraid,1`). */
  ref: string;
}

export interface DiskSourceView {
  device: string;
  source: DiskSource;
  ref: string;
  /** The `disk` tag this source's points are stored under (pushes: the disk key; polls: what the device calls it). */
  tag: string;
  verdict: Verdict;
  intervalMs: number;
  firstSeen: number;
  lastSeen: number;
  missing: boolean;
}

export interface DiskView {
  key: string;
  serial?: string;
  wwn?: string;
  model?: string;
  protocol?: string;
  kind?: string;
  capacityBytes?: number;
  verdict: Verdict;
  reasons: Reason[];
  firstSeen: number;
  lastSeen: number;
  /** Every source stopped reporting it for MISSING_AFTER of its intervals. */
  missing: boolean;
  sources: DiskSourceView[];
}

interface DiskRow {
  key: string;
  serial: string | null;
  wwn: string | null;
  model: string | null;
  protocol: string | null;
  kind: string | null;
  capacity_bytes: number | null;
  verdict: string;
  reasons: string;
  reading: string | null;
  first_seen: number;
  last_seen: number;
}

interface SourceRow {
  key: string;
  device: string;
  source: string;
  ref: string;
  tag: string;
  verdict: string;
  interval_ms: number;
  first_seen: number;
  last_seen: number;
}

/**
 * Vendor prefixes differ between sources for the same drive (smartctl "WDC WD40EFRX-68N32N0", a NAS
 * "WD40EFRX-68N32N0"), so models are compared without them and without punctuation.
 */
const VENDOR_PREFIX = /^(ATA|WDC|WD|HGST|HITACHI|SEAGATE|TOSHIBA|SAMSUNG|INTEL|KINGSTON|MICRON|CRUCIAL|SANDISK|CORSAIR|OCZ)\s+/;

export function normalizeModel(model: string | undefined): string {
  if (!model) return '';
  let m = model.trim().toUpperCase();
  while (VENDOR_PREFIX.test(m)) m = m.replace(VENDOR_PREFIX, '');
  m = m.replace(/[^A-Z0-9]/g, '');
  return m === 'UNKNOWN' ? '' : m;
}

/** Same drive model as far as two sources can tell; an unknown model never contradicts. */
export function modelsCompatible(a: string | undefined, b: string | undefined): boolean {
  const x = normalizeModel(a);
  const y = normalizeModel(b);
  return !x || !y || x.includes(y) || y.includes(x);
}

/**
 * A NAS `disk` tag is the serial when the vendor gives one, else the slot its UI shows ("Disk 3", "HDD1"); a
 * smartctl key without a serial is a device path. Only a serial may merge disks across devices.
 */
export function looksLikeSerial(ref: string): boolean {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{3,}$/.test(ref)) return false;
  if (/^(disk|hdd|ssd|slot|drive|bay|sd[a-z]+|nvme\d+(n\d+)?|hd[a-z]|da\d+|ada\d+)[_-]?\d*$/i.test(ref)) return false;
  return !/^(unknown|none|n\/a)$/i.test(ref);
}

const verdictOf = (v: unknown): Verdict => (v === 'ok' || v === 'info' || v === 'warn' || v === 'fail' ? v : 'unknown');

export class DiskStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS disks (
        key TEXT PRIMARY KEY, serial TEXT, wwn TEXT, model TEXT, protocol TEXT, kind TEXT, capacity_bytes INTEGER,
        verdict TEXT NOT NULL DEFAULT 'unknown', reasons TEXT NOT NULL DEFAULT '[]', reading TEXT, reading_time INTEGER,
        first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS disks_serial ON disks (serial COLLATE NOCASE);
      CREATE INDEX IF NOT EXISTS disks_wwn ON disks (wwn);
      CREATE TABLE IF NOT EXISTS disk_sources (
        device TEXT NOT NULL, source TEXT NOT NULL, ref TEXT NOT NULL, key TEXT NOT NULL, tag TEXT NOT NULL, verdict TEXT NOT NULL,
        interval_ms INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
        PRIMARY KEY (device, source, ref));
      CREATE INDEX IF NOT EXISTS disk_sources_key ON disk_sources (key);
      CREATE TABLE IF NOT EXISTS push_hosts (
        name TEXT PRIMARY KEY, configured INTEGER NOT NULL, first_push INTEGER NOT NULL, last_push INTEGER NOT NULL);
    `);
    this.stmts = {
      byKey: db.prepare('SELECT * FROM disks WHERE key = ?'),
      byWwn: db.prepare('SELECT * FROM disks WHERE wwn = ?'),
      bySerial: db.prepare('SELECT * FROM disks WHERE serial = ? COLLATE NOCASE'),
      sourceRef: db.prepare('SELECT key FROM disk_sources WHERE device = ? AND source = ? AND ref = ?'),
      insertDisk: db.prepare(
        'INSERT INTO disks (key, serial, wwn, model, first_seen, last_seen) VALUES (@key, @serial, @wwn, @model, @now, @now)',
      ),
      upsertSource: db.prepare(
        `INSERT INTO disk_sources (device, source, ref, key, tag, verdict, interval_ms, first_seen, last_seen)
         VALUES (@device, @source, @ref, @key, @tag, @verdict, @interval, @now, @now)
         ON CONFLICT (device, source, ref) DO UPDATE SET key = excluded.key, tag = excluded.tag, verdict = excluded.verdict,
           interval_ms = excluded.interval_ms, last_seen = excluded.last_seen`,
      ),
      sources: db.prepare('SELECT * FROM disk_sources WHERE key = ? ORDER BY device, source'),
      allSources: db.prepare('SELECT * FROM disk_sources ORDER BY device, source'),
      all: db.prepare('SELECT * FROM disks ORDER BY key'),
    };
  }

  /**
   * The disk this sighting is. Order: the WWN (globally unique) when serial and model agree; a serial whose
   * model agrees (placeholder
   * serials like "REDACTED" are shared by unrelated drives); this device's own name for it from last time; else
   * a new disk. Creates the row when new. The key is the serial when free, so URLs stay readable.
   */
  resolve(device: string, source: DiskSource, id: DiskIdentity, now = Date.now()): string {
    const serial = id.serial?.trim() || undefined;
    const wwn = id.wwn?.trim().toLowerCase() || undefined;
    // An identity conflict (same WWN, different serial or model) is two disks: captured and redacted
    // outputs reuse placeholder values, and merging two drives would judge one by the other's history.
    const agrees = (r: DiskRow) =>
      modelsCompatible(r.model ?? undefined, id.model) && (!serial || !r.serial || r.serial.toLowerCase() === serial.toLowerCase()) && (!wwn || !r.wwn || r.wwn === wwn);
    if (wwn) {
      const row = (this.stmts.byWwn.all(wwn) as DiskRow[]).find(agrees);
      if (row) return row.key;
    }
    if (serial) {
      const rows = this.stmts.bySerial.all(serial) as DiskRow[];
      const row = rows.find(agrees);
      if (row) return row.key;
    }
    const base = serial ?? wwn ?? `${device}:${id.ref}`;
    if (!serial && !wwn) {
      // Only this device can name the disk (a slot, a path): the same name from the same device is the same disk.
      const known = this.stmts.sourceRef.get(device, source, id.ref) as { key: string } | undefined;
      if (known) return known.key;
      if (this.stmts.byKey.get(base)) return base;
    }
    let key = base;
    if (this.stmts.byKey.get(key)) {
      const suffix = normalizeModel(id.model).toLowerCase() || 'unknown';
      key = `${base}~${suffix}`;
      for (let i = 2; this.stmts.byKey.get(key); i++) key = `${base}~${suffix}-${i}`;
    }
    this.stmts.insertDisk.run({ key, serial: serial ?? null, wwn: wwn ?? null, model: id.model ?? null, now });
    return key;
  }

  /** The last readable smartctl reading of a disk: `previous` for reportFromJson's trend check. */
  previous(key: string): SmartDisk | undefined {
    const row = this.stmts.byKey.get(key) as DiskRow | undefined;
    return row?.reading ? (JSON.parse(row.reading) as SmartDisk) : undefined;
  }

  /**
   * A full SMART report for a resolved disk; its points are stored under the disk key as their `disk` tag (the
   * caller rewrites them), so two drives sharing a placeholder serial never share a series. An unreadable report updates the verdict (that is the news) but never
   * replaces the stored reading: one timeout must neither reset nor fake a trend.
   */
  recordReport(key: string, device: string, source: DiskSource, ref: string, report: SmartReport, intervalMs: number, now = Date.now()): void {
    const d = report.device;
    const tx = this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE disks SET serial = COALESCE(serial, @serial), wwn = COALESCE(wwn, @wwn), model = COALESCE(@model, model),
             protocol = CASE WHEN @protocol = 'unknown' THEN protocol ELSE @protocol END,
             kind = CASE WHEN @kind = 'unknown' THEN COALESCE(kind, @kind) ELSE @kind END,
             capacity_bytes = COALESCE(@capacity, capacity_bytes), verdict = @verdict, reasons = @reasons, last_seen = @now,
             reading = COALESCE(@reading, reading), reading_time = CASE WHEN @reading IS NULL THEN reading_time ELSE @now END
           WHERE key = @key`,
        )
        .run({
          key,
          serial: d.serial ?? null,
          wwn: d.wwn?.toLowerCase() ?? null,
          model: d.model ?? null,
          protocol: d.protocol,
          kind: d.kind,
          capacity: d.capacity_bytes ?? null,
          verdict: report.verdict,
          reasons: JSON.stringify(report.reasons),
          reading: report.reading ? JSON.stringify(report.reading) : null,
          now,
        });
      this.stmts.upsertSource.run({ device, source, ref, key, tag: key, verdict: report.verdict, interval: intervalMs, now });
    });
    tx();
  }

  /**
   * `disk` points from a poll (a NAS's SNMP table, the box's own smartctl): the verdict comes from the `health`
   * field, the reason from the vendor's `status`/`reason` text. Pushed points are skipped: the push route records
   * the full report itself, with reasons and the reading for the trend check.
   */
  observePoints(device: string, points: Point[], intervalMs: number, now = Date.now()): string[] {
    const keys: string[] = [];
    const tx = this.db.transaction(() => {
      for (const p of points) {
        if (p.measurement !== 'disk') continue;
        const source = (typeof p.fields.source === 'string' ? p.fields.source : 'snmp') as DiskSource;
        if (source === 'push') continue;
        const ref = p.tags.disk;
        if (!ref) continue;
        const model = p.tags.model && p.tags.model !== 'unknown' ? p.tags.model : undefined;
        const key = this.resolve(device, source, { serial: looksLikeSerial(ref) ? ref : undefined, model, ref }, now);
        const verdict = verdictOf(p.fields.health);
        const why = [p.fields.reason, p.fields.status].find((x): x is string => typeof x === 'string' && x.length > 0);
        const reasons: Reason[] = why ? [{ level: verdict, code: `${source}.status`, text: `${device} reports: ${why}` }] : [];
        this.db
          .prepare(
            'UPDATE disks SET model = COALESCE(model, ?), verdict = ?, reasons = ?, last_seen = ? WHERE key = ?',
          )
          .run(model ?? null, verdict, JSON.stringify(reasons), now, key);
        this.stmts.upsertSource.run({ device, source, ref, key, tag: ref, verdict, interval: intervalMs, now });
        keys.push(key);
      }
    });
    tx();
    return keys;
  }

  /**
   * A push from a host that is not in the config still shows up (an MSP adds the cron line before the config
   * entry), but flagged so the dashboard can say "not configured". Returns whether the host is configured.
   */
  notePushHost(name: string, configured: boolean, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO push_hosts (name, configured, first_push, last_push) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET configured = excluded.configured, last_push = excluded.last_push`,
      )
      .run(name, configured ? 1 : 0, now, now);
  }

  /** Hosts that pushed SMART data without being configured: the runtime keeps them in the device list. */
  unconfiguredPushHosts(): Array<{ name: string; firstPush: number; lastPush: number }> {
    return (this.db.prepare('SELECT name, first_push, last_push FROM push_hosts WHERE configured = 0 ORDER BY name').all() as Array<{
      name: string;
      first_push: number;
      last_push: number;
    }>).map((r) => ({ name: r.name, firstPush: r.first_push, lastPush: r.last_push }));
  }

  list(now = Date.now()): DiskView[] {
    const bySource = new Map<string, SourceRow[]>();
    for (const s of this.stmts.allSources.all() as SourceRow[]) {
      const arr = bySource.get(s.key) ?? [];
      arr.push(s);
      bySource.set(s.key, arr);
    }
    return (this.stmts.all.all() as DiskRow[]).map((r) => view(r, bySource.get(r.key) ?? [], now));
  }

  get(key: string, now = Date.now()): DiskView | undefined {
    const r = this.stmts.byKey.get(key) as DiskRow | undefined;
    return r ? view(r, this.stmts.sources.all(key) as SourceRow[], now) : undefined;
  }

  /** Which device's series hold this disk's points (each source writes under its own device tag). */
  devicesOf(key: string): string[] {
    return [...new Set((this.stmts.sources.all(key) as SourceRow[]).map((s) => s.device))];
  }
}

function sourceMissing(s: SourceRow, now: number): boolean {
  return now - s.last_seen > MISSING_AFTER * s.interval_ms;
}

function view(r: DiskRow, sources: SourceRow[], now: number): DiskView {
  const sv: DiskSourceView[] = sources.map((s) => ({
    device: s.device,
    source: s.source as DiskSource,
    ref: s.ref,
    tag: s.tag,
    verdict: verdictOf(s.verdict),
    intervalMs: s.interval_ms,
    firstSeen: s.first_seen,
    lastSeen: s.last_seen,
    missing: sourceMissing(s, now),
  }));
  const out: DiskView = {
    key: r.key,
    verdict: verdictOf(r.verdict),
    reasons: JSON.parse(r.reasons) as Reason[],
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    missing: sv.length > 0 && sv.every((s) => s.missing),
    sources: sv,
  };
  if (r.serial) out.serial = r.serial;
  if (r.wwn) out.wwn = r.wwn;
  if (r.model) out.model = r.model;
  if (r.protocol) out.protocol = r.protocol;
  if (r.kind) out.kind = r.kind;
  if (r.capacity_bytes !== null) out.capacityBytes = r.capacity_bytes;
  return out;
}

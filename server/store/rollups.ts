import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { unpackValues } from './packed.js';

/**
 * Roll-ups (5-minute and hourly min/max/sum/count per field) kept in memory while their bucket is open and written
 * once when it closes, instead of two upserts per field per poll (those were most of the store's write CPU).
 *
 * An open bucket holds only what arrived since it was last written (a delta), and is merged into its row when
 * written: a late point for a bucket already written (a slow poll, a bulk import) opens a small delta of its own
 * and is added, never overwrites. The start of the earliest open bucket of each width is saved at every flush;
 * a crash loses only open deltas, and `rebuildFromRaw` recomputes every bucket from that time on from raw points
 * (raw is kept days, buckets are open minutes). Other processes open the same file (the `report` and user CLI
 * commands while the server runs): the writer saves who it is, and a store opened while that writer is alive
 * does not rebuild (the writer's deltas would then be counted twice when it writes them).
 */
export const FIVE_MIN = 300_000;
export const HOUR = 3_600_000;
export const WIDTHS = [FIVE_MIN, HOUR] as const;
export type Width = (typeof WIDTHS)[number];
const BOTH = [0, 1] as const;
export const TABLE: Record<Width, 'points_5m' | 'points_1h'> = { [FIVE_MIN]: 'points_5m', [HOUR]: 'points_1h' };
const META_KEY: Record<Width, string> = { [FIVE_MIN]: 'rollup_open_5m', [HOUR]: 'rollup_open_1h' };

/** One series' aggregate for one bucket, per field slot of the series (slot order of its raw series). */
export interface Bucket {
  t: number;
  sum: number[];
  n: number[];
  min: number[];
  max: number[];
}

/** What the roll-ups need of a raw series: its roll-up series id per slot, and its open buckets. */
export interface RollupSeries {
  sids: number[];
  open: [Bucket | undefined, Bucket | undefined];
}

/**
 * Arrays sized to the series' slots: filling an empty `[]` by index makes V8 reserve 17 elements, and ~37,000 open
 * series × 2 widths × 4 arrays of that was the largest part of the heap at 1,000 devices. Holes read as undefined
 * (no value yet), as before.
 */
function newBucket(t: number, slots: number): Bucket {
  return { t, sum: new Array<number>(slots), n: new Array<number>(slots), min: new Array<number>(slots), max: new Array<number>(slots) };
}

function addTo(b: Bucket, slot: number, v: number): void {
  const n = b.n[slot];
  if (n === undefined || n === 0) {
    b.sum[slot] = v;
    b.n[slot] = 1;
    b.min[slot] = v;
    b.max[slot] = v;
  } else {
    b.sum[slot]! += v;
    b.n[slot] = n + 1;
    if (v < b.min[slot]!) b.min[slot] = v;
    if (v > b.max[slot]!) b.max[slot] = v;
  }
}

export class Rollups {
  private readonly openSeries = new Set<RollupSeries>();
  private closed: Array<{ rs: RollupSeries; w: 0 | 1; b: Bucket }> = [];
  private savedOpen: [number | null, number | null];
  private readonly merge: [Database.Statement, Database.Statement];
  private readonly metaSet: Database.Statement;
  private readonly writer: string | null;
  private claimed = false;

  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value)');
    const merge = (table: string) =>
      db.prepare(
        `INSERT INTO ${table} (sid, t, sum, n, min, max) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (sid, t) DO UPDATE SET sum = sum + excluded.sum, n = n + excluded.n, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
      );
    this.merge = [merge('points_5m'), merge('points_1h')];
    this.metaSet = db.prepare('INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)');
    const get = db.prepare('SELECT value FROM store_meta WHERE key = ?');
    const saved = (w: Width) => ((get.get(META_KEY[w]) as { value: number | null } | undefined)?.value ?? null);
    this.savedOpen = [saved(FIVE_MIN), saved(HOUR)];
    this.writer = (get.get('rollup_writer') as { value: string | null } | undefined)?.value ?? null;
  }

  /** Add one point's values (`slots[i]` = slot of `values[i]`) to both widths' open buckets. */
  add(rs: RollupSeries, t: number, slots: number[], values: number[]): void {
    for (const w of BOTH) {
      const width = WIDTHS[w];
      const start = t - (t % width);
      let b = rs.open[w];
      if (b && b.t !== start) {
        // Another bucket (the next one, or an out-of-order point): the open one is done as far as we know.
        this.closed.push({ rs, w, b });
        b = undefined;
      }
      if (!b) rs.open[w] = b = newBucket(start, rs.sids.length);
      for (let i = 0; i < slots.length; i++) addTo(b, slots[i]!, values[i]!);
    }
    this.openSeries.add(rs);
  }

  /**
   * Write every bucket that ended by `at` (and those displaced by a later bucket), and save where the open ones
   * start. Call inside the flush transaction, so raw points and roll-ups commit together.
   */
  closeUpTo(at: number): void {
    if (!this.claimed && this.openSeries.size) {
      this.metaSet.run('rollup_writer', writerId());
      this.claimed = true;
    }
    const open: [number | null, number | null] = [null, null];
    for (const rs of this.openSeries) {
      let still = false;
      for (const w of BOTH) {
        const b = rs.open[w];
        if (!b) continue;
        if (b.t + WIDTHS[w] <= at) {
          this.closed.push({ rs, w, b });
          rs.open[w] = undefined;
        } else {
          still = true;
          if (open[w] === null || b.t < open[w]!) open[w] = b.t;
        }
      }
      if (!still) this.openSeries.delete(rs);
    }
    for (const { rs, w, b } of this.closed) {
      const stmt = this.merge[w];
      for (let i = 0; i < b.n.length; i++) {
        const n = b.n[i];
        if (n) stmt.run(rs.sids[i]!, b.t, b.sum[i]!, n, b.min[i]!, b.max[i]!);
      }
    }
    this.closed = [];
    // Only the writing store says where its open buckets start (a reader opened alongside must not clear it).
    if (!this.claimed) return;
    for (const w of BOTH) {
      if (open[w] === this.savedOpen[w]) continue;
      this.metaSet.run(META_KEY[WIDTHS[w]], open[w]);
      this.savedOpen[w] = open[w];
    }
  }

  /** The not yet written part of a series' bucket at `t` (for queries over the open bucket). */
  static openPart(rs: RollupSeries | undefined, width: Width, from: number, to: number): Bucket | undefined {
    const b = rs?.open[width === FIVE_MIN ? 0 : 1];
    return b && b.t >= from && b.t <= to ? b : undefined;
  }

  /**
   * After a crash: recompute from raw points every bucket from the earliest one that was open (its rows may lack
   * what was in memory). Rows are replaced by the full recomputation; buckets without raw points are left alone.
   */
  rebuildFromRaw(): number {
    if (this.savedOpen[0] === null && this.savedOpen[1] === null) return 0;
    if (this.writer !== null && otherWriterAlive(this.writer)) return 0;
    let rows = 0;
    const tx = this.db.transaction(() => {
      for (const w of BOTH) {
        const from = this.savedOpen[w];
        if (from === null) continue;
        rows += rebuildWidth(this.db, WIDTHS[w], from);
        this.metaSet.run(META_KEY[WIDTHS[w]], null);
        this.savedOpen[w] = null;
      }
    });
    tx();
    return rows;
  }
}

function rebuildWidth(db: Database.Database, width: Width, from: number): number {
  const put = db.prepare(`INSERT OR REPLACE INTO ${TABLE[width]} (sid, t, sum, n, min, max) VALUES (?, ?, ?, ?, ?, ?)`);
  const sid = db.prepare('SELECT id FROM series WHERE device = ? AND measurement = ? AND field = ? AND tags_key = ?');
  const points = db.prepare('SELECT t, v FROM raw_points WHERE rid = ? AND t >= ? ORDER BY t');
  const all = db.prepare('SELECT id, device, measurement, tags_key, fields FROM raw_series').all() as Array<{
    id: number;
    device: string;
    measurement: string;
    tags_key: string;
    fields: string;
  }>;
  let rows = 0;
  for (const rs of all) {
    const fields = JSON.parse(rs.fields) as string[];
    const buckets = new Map<number, Bucket>();
    for (const p of points.iterate(rs.id, from) as Iterable<{ t: number; v: Buffer }>) {
      const start = p.t - (p.t % width);
      let b = buckets.get(start);
      if (!b) buckets.set(start, (b = newBucket(start, fields.length)));
      const vals = unpackValues(p.v, fields.length);
      for (let i = 0; i < vals.length; i++) if (vals[i] !== undefined) addTo(b, i, vals[i]!);
    }
    if (!buckets.size) continue;
    const sids = fields.map((f) => (sid.get(rs.device, rs.measurement, f, rs.tags_key) as { id: number } | undefined)?.id);
    for (const b of buckets.values()) {
      for (let i = 0; i < b.n.length; i++) {
        const n = b.n[i];
        const s = sids[i];
        if (!n || s === undefined) continue;
        put.run(s, b.t, b.sum[i]!, n, b.min[i]!, b.max[i]!);
        rows++;
      }
    }
  }
  return rows;
}

/** This process, on this boot (a pid alone is reused after a reboot). */
function writerId(): string {
  return `${bootId()}:${process.pid}`;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

/** Another process of this boot wrote the open buckets and still runs (this process's own crashed stores do not count). */
function otherWriterAlive(writer: string): boolean {
  const at = writer.lastIndexOf(':');
  const boot = writer.slice(0, at);
  const pid = Number(writer.slice(at + 1));
  if (boot !== bootId() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

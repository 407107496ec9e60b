import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { unpackValues } from './packed.js';

/**
 * Roll-ups (5-minute and hourly min/max/sum/count per field) kept in memory while their 5-minute bucket is open and
 * written once when it closes, instead of two upserts per field per poll (those were most of the store's write CPU).
 *
 * Only the 5-minute bucket is held in memory: when it closes it is merged into its 5-minute row and into the row of
 * its hour (the merge adds sums and counts, so twelve closed 5-minute parts make the hour). Holding the hour too
 * doubled the largest part of the heap at 1,000 devices for one upsert per field an hour less.
 *
 * An open bucket holds only what arrived since it was last written (a delta), and is merged into its rows when
 * written: a late point for a bucket already written (a slow poll, a bulk import) opens a small delta of its own
 * and is added, never overwrites. The start of the earliest open bucket (and of its hour) is saved at every flush;
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

/**
 * One series' aggregate for one 5-minute bucket: `v` holds sum, count, min, max of each field slot in turn
 * (`v[4 * slot] … v[4 * slot + 3]`), count 0 = no value yet. One array of doubles instead of four arrays and their
 * headers: ~18,000 open series at 1,000 devices.
 */
export interface Bucket {
  t: number;
  v: number[];
}

/** A slot's aggregate in a bucket, or undefined when the bucket has no value for it. */
export function slotOf(b: Bucket, slot: number): { sum: number; n: number; min: number; max: number } | undefined {
  const i = slot * 4;
  const n = b.v[i + 1];
  return n ? { sum: b.v[i]!, n, min: b.v[i + 2]!, max: b.v[i + 3]! } : undefined;
}

/** What the roll-ups need of a raw series: its roll-up series id per slot, and its open 5-minute bucket. */
export interface RollupSeries {
  sids: number[];
  open: Bucket | undefined;
}

/** Filled with zeros (count 0 = empty) so V8 keeps it a packed array of unboxed doubles. */
function newBucket(t: number, slots: number): Bucket {
  return { t, v: new Array<number>(slots * 4).fill(0) };
}

function addTo(b: Bucket, slot: number, v: number): void {
  const a = b.v;
  const i = slot * 4;
  // Undefined past the end: the series gained a field since this bucket opened (the array grows, rarely).
  if (!a[i + 1]) {
    a[i] = v;
    a[i + 1] = 1;
    a[i + 2] = v;
    a[i + 3] = v;
  } else {
    a[i]! += v;
    a[i + 1]!++;
    if (v < a[i + 2]!) a[i + 2] = v;
    if (v > a[i + 3]!) a[i + 3] = v;
  }
}

export class Rollups {
  private readonly openSeries = new Set<RollupSeries>();
  private closed: Array<{ rs: RollupSeries; b: Bucket }> = [];
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

  /** Add one point's values (`slots[i]` = slot of `values[i]`) to the series' open 5-minute bucket. */
  add(rs: RollupSeries, t: number, slots: number[], values: number[]): void {
    const start = t - (t % FIVE_MIN);
    let b = rs.open;
    if (b && b.t !== start) {
      // Another bucket (the next one, or an out-of-order point): the open one is done as far as we know.
      this.closed.push({ rs, b });
      b = undefined;
    }
    if (!b) rs.open = b = newBucket(start, rs.sids.length);
    for (let i = 0; i < slots.length; i++) addTo(b, slots[i]!, values[i]!);
    this.openSeries.add(rs);
  }

  /**
   * Write every bucket that ended by `at` (and those displaced by a later bucket) into its 5-minute and its hourly
   * row, and save where the open ones start. Call inside the flush transaction, so raw points and roll-ups commit
   * together.
   */
  closeUpTo(at: number): void {
    if (!this.claimed && this.openSeries.size) {
      this.metaSet.run('rollup_writer', writerId());
      this.claimed = true;
    }
    let open: number | null = null;
    for (const rs of this.openSeries) {
      const b = rs.open;
      if (b && b.t + FIVE_MIN <= at) {
        this.closed.push({ rs, b });
        rs.open = undefined;
      } else if (b) {
        if (open === null || b.t < open) open = b.t;
        continue;
      }
      this.openSeries.delete(rs);
    }
    const [m5, m1h] = this.merge;
    for (const { rs, b } of this.closed) {
      const hour = b.t - (b.t % HOUR);
      const v = b.v;
      for (let i = 0, slot = 0; i < v.length; i += 4, slot++) {
        const n = v[i + 1]!;
        if (!n) continue;
        const sid = rs.sids[slot]!;
        m5.run(sid, b.t, v[i]!, n, v[i + 2]!, v[i + 3]!);
        m1h.run(sid, hour, v[i]!, n, v[i + 2]!, v[i + 3]!);
      }
    }
    this.closed = [];
    // Only the writing store says where its open buckets start (a reader opened alongside must not clear it).
    if (!this.claimed) return;
    // The hour row of an open bucket lacks its delta too: a rebuild recomputes that whole hour.
    const starts: [number | null, number | null] = [open, open === null ? null : open - (open % HOUR)];
    for (const w of BOTH) {
      if (starts[w] === this.savedOpen[w]) continue;
      this.metaSet.run(META_KEY[WIDTHS[w]], starts[w]);
      this.savedOpen[w] = starts[w];
    }
  }

  /**
   * The not yet written part of a series' bucket at `t` of this width (for queries over open buckets): the open
   * 5-minute delta, dated to its hour for hourly reads (the hour's row already holds its closed 5-minute parts).
   */
  static openPart(rs: RollupSeries | undefined, width: Width, from: number, to: number): Bucket | undefined {
    const b = rs?.open;
    if (!b) return undefined;
    const t = b.t - (b.t % width);
    if (t < from || t > to) return undefined;
    return t === b.t ? b : { t, v: b.v };
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
      for (let i = 0; i < sids.length; i++) {
        const a = slotOf(b, i);
        const s = sids[i];
        if (!a || s === undefined) continue;
        put.run(s, b.t, a.sum, a.n, a.min, a.max);
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

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A durable FIFO of text records (line-protocol lines for the InfluxDB sinks) in its own SQLite file.
 *
 * Why SQLite in WAL mode rather than an append-only file: an append is one transaction, so a poll's points
 * are either all queued or none are, whatever moment the process dies; deleting sent records from the head
 * and dropping the oldest past the budget are cheap rowid range deletes; and the file reuses its freed
 * pages, so it stays near the budget without compaction.
 *
 * `synchronous = FULL`: an append returns only after the WAL is fsynced, so "acknowledged" also survives a
 * power cut, which is the failure a site box behind a UPS is there to witness. It costs one fsync per
 * append, so the InfluxDB sink appends the polls of one event-loop turn (or one batch) together.
 *
 * Counters (records, bytes, dropped, sent, rejected) live in the same file and change in the same
 * transactions as the records, so they are exact after a crash and reopening never scans the table.
 */

/** Bytes SQLite spends per record beyond its text: rowid, two integer columns, cell header and pointer, page slack. */
export const RECORD_OVERHEAD_BYTES = 40;

export interface OutboxRecord {
  id: number;
  line: string;
  /** When it was queued (ms since epoch). */
  queued: number;
}

export interface OutboxCounters {
  /** Records currently queued. */
  depth: number;
  /** Estimated bytes they occupy, compared with the budget. */
  bytes: number;
  /** Dropped, oldest first, because the budget was exceeded. Lifetime of the file. */
  dropped: number;
  /** Removed after the destination accepted them. Lifetime of the file. */
  sent: number;
  /** Removed because the destination refused them for good (bad line). Lifetime of the file. */
  rejected: number;
}

export interface OutboxOptions {
  /** Past this many bytes the oldest records are dropped. */
  budgetBytes: number;
}

type CounterName = keyof OutboxCounters;

/**
 * Rows per multi-row INSERT. A group commit appends thousands of lines; one statement call per row made the
 * calls into SQLite cost as much as encoding the points. 64 rows × 3 parameters stays far below SQLite's
 * parameter limit.
 */
const INSERT_ROWS = 64;
const COUNTERS: CounterName[] = ['depth', 'bytes', 'dropped', 'sent', 'rejected'];

export class Outbox {
  private readonly db: Database.Database;
  private readonly budgetBytes: number;
  private readonly c: OutboxCounters;
  private readonly stmt;
  private readonly appendTx;

  constructor(readonly path: string, opts: OutboxOptions) {
    mkdirSync(dirname(path), { recursive: true });
    this.budgetBytes = opts.budgetBytes;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Keeps the -wal file from staying at its high-water mark after a long outage is drained.
    this.db.pragma('journal_size_limit = 8388608');
    // Appends at the end and reads from the front: a few pages are hot, not better-sqlite3's default 16 MB.
    this.db.pragma('cache_size = -1000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        queued INTEGER NOT NULL,
        size INTEGER NOT NULL,
        line TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    const insertCounter = this.db.prepare('INSERT OR IGNORE INTO counters (name, value) VALUES (?, 0)');
    for (const name of COUNTERS) insertCounter.run(name);
    this.c = { depth: 0, bytes: 0, dropped: 0, sent: 0, rejected: 0 };
    for (const row of this.db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[])
      if ((COUNTERS as string[]).includes(row.name)) this.c[row.name as CounterName] = row.value;

    this.stmt = {
      insert: this.db.prepare('INSERT INTO records (queued, size, line) VALUES (?, ?, ?)'),
      insertMany: this.db.prepare(`INSERT INTO records (queued, size, line) VALUES ${Array(INSERT_ROWS).fill('(?, ?, ?)').join(', ')}`),
      setCounter: this.db.prepare('UPDATE counters SET value = ? WHERE name = ?'),
      head: this.db.prepare('SELECT id, queued, line FROM records ORDER BY id LIMIT ?'),
      oldest: this.db.prepare('SELECT queued FROM records ORDER BY id LIMIT 1'),
      headSizes: this.db.prepare('SELECT id, size FROM records ORDER BY id LIMIT ?'),
      deleteUpTo: this.db.prepare('DELETE FROM records WHERE id <= ?'),
      deleteOne: this.db.prepare('DELETE FROM records WHERE id = ?'),
      rangeSizes: this.db.prepare('SELECT id, size FROM records WHERE id BETWEEN ? AND ?'),
      deleteRange: this.db.prepare('DELETE FROM records WHERE id BETWEEN ? AND ?'),
    };
    this.appendTx = this.db.transaction((lines: readonly string[], now: number) => {
      // Rows are inserted in order (ids follow the queue order), INSERT_ROWS per statement, the rest one by one.
      const params: (string | number)[] = [];
      let i = 0;
      for (; i + INSERT_ROWS <= lines.length; i += INSERT_ROWS) {
        params.length = 0;
        for (let j = i; j < i + INSERT_ROWS; j++) params.push(now, this.account(lines[j]!), lines[j]!);
        this.stmt.insertMany.run(params);
      }
      for (; i < lines.length; i++) this.stmt.insert.run(now, this.account(lines[i]!), lines[i]!);
      const dropped = this.c.bytes > this.budgetBytes ? this.dropOldest(this.c.bytes - this.budgetBytes) : 0;
      this.saveCounters();
      return dropped;
    });
  }

  /**
   * Queue records durably, all or none. Returns how many of the oldest records were dropped to stay
   * within the budget (possibly some of these, if one append alone exceeds it).
   */
  append(lines: readonly string[], now = Date.now()): number {
    if (lines.length === 0) return 0;
    try {
      return this.appendTx(lines, now);
    } catch (err) {
      // The transaction rolled back; in-memory counters must follow it.
      this.reloadCounters();
      throw err;
    }
  }

  /** The oldest `limit` records, in the order they were queued. */
  head(limit: number): OutboxRecord[] {
    return this.stmt.head.all(limit) as OutboxRecord[];
  }

  /**
   * Remove records the destination has dealt with: every id in `delivered` counts as sent, every id in
   * `rejected` as refused. Ids already dropped by the budget in the meantime are ignored.
   */
  remove(delivered: readonly number[], rejected: readonly number[] = []): void {
    if (delivered.length === 0 && rejected.length === 0) return;
    const rejectedSet = new Set(rejected);
    const wanted = new Set([...delivered, ...rejected]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const id of wanted) {
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    this.db.transaction(() => {
      // A flushed batch is a run of consecutive head records: one range delete instead of one per record.
      const present = this.stmt.rangeSizes.all(lo, hi) as { id: number; size: number }[];
      const contiguous = present.every((r) => wanted.has(r.id));
      for (const r of present) {
        if (!wanted.has(r.id)) continue;
        if (!contiguous) this.stmt.deleteOne.run(r.id);
        this.c.depth--;
        this.c.bytes -= r.size;
        this.c[rejectedSet.has(r.id) ? 'rejected' : 'sent']++;
      }
      if (contiguous) this.stmt.deleteRange.run(lo, hi);
      this.saveCounters();
    })();
  }

  /** Queue time of the oldest record, or undefined when empty. */
  oldestQueued(): number | undefined {
    return (this.stmt.oldest.get() as { queued: number } | undefined)?.queued;
  }

  counters(): OutboxCounters {
    return { ...this.c };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get open(): boolean {
    return this.db.open;
  }

  /** Count one appended record in the in-memory counters; returns its size. */
  private account(line: string): number {
    const size = Buffer.byteLength(line) + RECORD_OVERHEAD_BYTES;
    this.c.depth++;
    this.c.bytes += size;
    return size;
  }

  private dropOldest(excess: number): number {
    let freed = 0;
    let dropped = 0;
    while (freed < excess) {
      const rows = this.stmt.headSizes.all(1000) as { id: number; size: number }[];
      if (rows.length === 0) break;
      let last = 0;
      for (const r of rows) {
        freed += r.size;
        dropped++;
        last = r.id;
        if (freed >= excess) break;
      }
      this.stmt.deleteUpTo.run(last);
    }
    this.c.depth -= dropped;
    this.c.bytes -= freed;
    this.c.dropped += dropped;
    return dropped;
  }

  private saveCounters(): void {
    for (const name of COUNTERS) this.stmt.setCounter.run(this.c[name], name);
  }

  private reloadCounters(): void {
    for (const row of this.db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[])
      if ((COUNTERS as string[]).includes(row.name)) this.c[row.name as CounterName] = row.value;
  }
}

import { join } from 'node:path';
import type { Point, ProbeLogger } from '../../../probes/types.js';
import { Outbox, type OutboxRecord } from '../outbox.js';
import { findBadLines } from './bad-lines.js';
import { outboxFileName, resolveSinkConfig, type InfluxSinkInput, type ResolvedSinkConfig } from './config.js';
import { toLine, type EncodeProblem } from './line-protocol.js';
import { writeLines, type FetchFn, type WriteOutcome } from './transport.js';

/**
 * - `ok`: the last write succeeded (or none was needed).
 * - `retrying`: the server is unreachable, busy or misconfigured; points wait in the outbox.
 * - `auth-failed`: credentials refused; retried slowly, points wait in the outbox.
 * - `disabled`: not started yet, or closed: points are queued but nothing is sent.
 */
export type SinkState = 'ok' | 'retrying' | 'auth-failed' | 'disabled';

export interface SinkStats {
  name: string;
  url: string;
  version: 1 | 2;
  state: SinkState;
  /** Points waiting in the outbox. */
  outboxPoints: number;
  /** How long the oldest waiting point has been queued, in seconds (0 when empty). */
  oldestPointAgeS: number;
  /** Points lost: dropped past the disk budget plus lines the server refused for good. */
  droppedPoints: number;
  /** The part of droppedPoints the server refused (bad line, field type conflict). */
  rejectedPoints: number;
  sentPoints: number;
  lastError?: string;
  /** ms since epoch of the last accepted write. */
  lastSuccessAt?: number;
}

export interface SinkOptions {
  /** Folder of the outbox files (one per sink). */
  dataDir: string;
  /** Added as the `site` tag to points that lack one. */
  site: string;
  log: ProbeLogger;
  fetch?: FetchFn;
  /** Backoff of ordinary failures (doubling from baseMs up to maxMs, jittered) and the slow pace after 401/403. */
  retry?: { baseMs?: number; maxMs?: number; authMs?: number };
  /** How long close() may spend on its final flush. */
  closeDeadlineMs?: number;
  /** Jitter source, replaceable so tests can pin it. */
  random?: () => number;
}

type Delivery = { bad: OutboxRecord[]; reasons: Map<number, string> } | { failed: WriteOutcome & { kind: 'auth' | 'retry' } };

/** Settles durable() callers once the points they wait for are committed (or could not be). */
interface DurableWaiter {
  resolve(): void;
  reject(err: Error): void;
}

/** Lines to log individually per refused batch; the rest are only counted, so one bad deploy cannot flood the log. */
const MAX_LOGGED_BAD_LINES = 10;

/**
 * One InfluxDB destination with its own durable outbox. enqueue() encodes points and stages them; staged
 * points are committed to disk together (group commit): at the end of the current event-loop turn, or at
 * once when a whole batch is staged. Once committed they survive a crash, a power cut or a long outage; a
 * flusher sends them in order, in batches, and removes them only once the server has accepted them (or
 * refused them for good).
 *
 * Why group commit: one fsync per enqueue (per poll) made enqueue, not sending, the writer's bottleneck
 * (9 of 12 s for 100k points in `npm run bench`), and better-sqlite3 blocks the event loop while it waits.
 * What is staged but not yet committed lives only in memory for the rest of the turn, exactly like a poll
 * result that has not been handed over yet; nothing outside the process is told it is stored. A caller that
 * does acknowledge to someone outside (an HTTP push, the crash test's child) awaits durable() first.
 */
export class InfluxSink {
  readonly cfg: ResolvedSinkConfig;
  private readonly outbox: Outbox;
  private readonly log: ProbeLogger;
  private readonly site: string;
  private readonly fetchFn: FetchFn;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly authMs: number;
  private readonly closeDeadlineMs: number;
  private readonly random: () => number;
  private readonly closing = new AbortController();

  private state: SinkState = 'disabled';
  private lastError: string | undefined;
  private lastSuccessAt: number | undefined;
  private started = false;
  private closed = false;
  private running: Promise<void> | undefined;
  private attempt = 0;
  private nextAttemptAt = 0;
  private interval: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private kickPending = false;
  /** Encoded lines staged by enqueue(), not yet in the outbox, and when the first of them was staged. */
  private staged: string[] = [];
  private stagedSince = 0;
  private commitScheduled = false;
  private waiters: DurableWaiter[] = [];
  /** Points lost because their commit failed (disk full, file removed): counted with droppedPoints. */
  private commitLost = 0;

  constructor(cfg: InfluxSinkInput, opts: SinkOptions) {
    this.cfg = resolveSinkConfig(cfg);
    this.site = opts.site;
    this.fetchFn = opts.fetch ?? (fetch as unknown as FetchFn);
    this.baseMs = opts.retry?.baseMs ?? 1000;
    this.maxMs = opts.retry?.maxMs ?? 300_000;
    this.authMs = opts.retry?.authMs ?? 120_000;
    this.closeDeadlineMs = opts.closeDeadlineMs ?? Math.min(this.cfg.timeoutMs, 3000);
    this.random = opts.random ?? Math.random;
    this.log = opts.log;
    this.outbox = new Outbox(join(opts.dataDir, outboxFileName(this.cfg.name)), { budgetBytes: this.cfg.budgetBytes });
  }

  get name(): string {
    return this.cfg.name;
  }

  /**
   * Encode one poll's points and stage them for the next group commit (see the class comment): they are on
   * disk by the end of this event-loop turn, all of a poll or none. Returns how many were staged;
   * durable() resolves once they are committed.
   */
  enqueue(points: readonly Point[]): number {
    if (this.closed) throw new Error(`InfluxDB sink ${this.name} is closed`);
    const now = Date.now();
    const problems: EncodeProblem[] = [];
    const lines: string[] = [];
    for (const p of points) {
      const point = p.tags.site ? p : { ...p, tags: { ...p.tags, site: this.site } };
      const line = toLine(point, now, problems);
      if (line !== undefined) lines.push(line);
    }
    if (problems.length)
      this.log.warn({ sink: this.name, problems: problems.slice(0, MAX_LOGGED_BAD_LINES), count: problems.length }, 'fields left out: value does not fit the measurement schema');
    if (lines.length === 0) return 0;
    if (this.staged.length === 0) this.stagedSince = now;
    for (const line of lines) this.staged.push(line);
    // A whole batch staged: commit now, which bounds both the memory held and the points a crash can take.
    if (this.staged.length >= this.cfg.batchSize) this.commit();
    else if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.commit());
    }
    return lines.length;
  }

  /**
   * Resolves once every point enqueued so far is committed to disk; rejects if their commit failed. For
   * callers that acknowledge points to someone outside the process.
   */
  durable(): Promise<void> {
    if (this.staged.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Write every staged line to the outbox in one transaction (one fsync), then wake the flusher if a batch is ready. */
  private commit(): void {
    this.commitScheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    if (this.staged.length === 0) {
      for (const w of waiters) w.resolve();
      return;
    }
    const lines = this.staged;
    this.staged = [];
    let dropped: number;
    try {
      dropped = this.outbox.append(lines, this.stagedSince);
    } catch (err) {
      // Runs from a timer: a failing disk must be reported, not crash the process.
      const e = err as Error;
      this.commitLost += lines.length;
      this.lastError = `outbox: ${e.message}`;
      this.log.error({ sink: this.name, err: e.message, lost: lines.length }, 'InfluxDB outbox commit failed: points lost');
      for (const w of waiters) w.reject(e);
      return;
    }
    if (dropped > 0) this.log.warn({ sink: this.name, dropped, budgetBytes: this.cfg.budgetBytes }, 'outbox over its disk budget: oldest points dropped');
    for (const w of waiters) w.resolve();
    if (this.started && !this.closed && this.outbox.counters().depth >= this.cfg.batchSize) this.kickSoon();
  }

  /** Begin sending: every flush_interval, as soon as a full batch is queued, and on retry timers. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.state = 'ok';
    this.interval = setInterval(() => void this.kick(false), this.cfg.flushIntervalMs);
    this.interval.unref();
    if (this.outbox.counters().depth > 0) this.kickSoon();
  }

  /** Send everything queued now, ignoring any backoff wait. Resolves when the outbox is empty or a write failed. */
  async flushNow(): Promise<void> {
    if (this.closed && this.closing.signal.aborted) return;
    if (this.outbox.open) this.commit();
    if (this.running) await this.running;
    await this.kick(true);
  }

  stats(now = Date.now()): SinkStats {
    const c = this.outbox.open ? this.outbox.counters() : { depth: 0, dropped: 0, rejected: 0, sent: 0 };
    const oldest = (this.outbox.open ? this.outbox.oldestQueued() : undefined) ?? (this.staged.length ? this.stagedSince : undefined);
    const s: SinkStats = {
      name: this.name,
      url: this.cfg.url,
      version: this.cfg.version,
      state: this.state,
      outboxPoints: c.depth + this.staged.length,
      oldestPointAgeS: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
      droppedPoints: c.dropped + c.rejected + this.commitLost,
      rejectedPoints: c.rejected,
      sentPoints: c.sent,
    };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.lastSuccessAt !== undefined) s.lastSuccessAt = this.lastSuccessAt;
    return s;
  }

  /**
   * Stop sending: one last flush attempt bounded by a short deadline (shutdown must not hang on a dead
   * server), then close the outbox. Whatever was not sent stays queued for the next start.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.interval);
    clearTimeout(this.retryTimer);
    // Staged points go to disk whatever happens next: they are sent now or after the next start.
    this.commit();
    if (this.started) {
      const final = this.flushNow();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([final, new Promise((r) => (timer = setTimeout(r, this.closeDeadlineMs)))]);
      clearTimeout(timer);
    }
    this.closing.abort();
    // fetch rejects at once on abort; the bound only guards against an injected fetch that ignores it.
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, 1000).unref())]);
    this.outbox.close();
    this.state = 'disabled';
  }

  private kickSoon(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      void this.kick(false);
    });
  }

  private kick(force: boolean): Promise<void> {
    if (this.running) return this.running;
    if (!this.outbox.open || this.closing.signal.aborted) return Promise.resolve();
    if (!force && Date.now() < this.nextAttemptAt) return Promise.resolve();
    this.running = this.drain()
      .catch((err: Error) => {
        // An outbox error (disk full, file removed) must not become an unhandled rejection in a timer.
        this.lastError = `outbox: ${err.message}`;
        this.log.error({ sink: this.name, err: err.message }, 'InfluxDB sink flush failed');
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closing.signal.aborted) return;
      // Points staged since the last batch join this drain rather than wait for their scheduled commit.
      this.commit();
      const records = this.outbox.head(this.cfg.batchSize);
      if (records.length === 0) return;
      const result = await this.deliver(records);
      if (!this.outbox.open) return;
      if ('failed' in result) {
        this.onFailure(result.failed);
        return;
      }
      const badIds = new Set(result.bad.map((r) => r.id));
      this.outbox.remove(
        records.filter((r) => !badIds.has(r.id)).map((r) => r.id),
        [...badIds],
      );
      this.logRejected(result.bad, result.reasons);
      this.onSuccess(records.length - badIds.size);
    }
  }

  /**
   * Send records; when the server refuses some lines, find them (from its message, else by halving the
   * batch) so the good ones still get through. 1.x keeps the good lines of a refused batch and 2.x keeps
   * none; sending good lines twice is harmless (same series and time overwrite), so both are handled alike.
   */
  private async deliver(records: OutboxRecord[]): Promise<Delivery> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs), this.closing.signal]);
    const outcome = await writeLines(this.cfg, this.fetchFn, records.map((r) => r.line), signal);
    if (outcome.kind === 'ok') return { bad: [], reasons: new Map() };
    if (outcome.kind === 'auth' || outcome.kind === 'retry') return { failed: outcome };
    const reason = `HTTP ${outcome.status}: ${outcome.message}`;
    if (records.length === 1) return { bad: records, reasons: new Map([[records[0]!.id, reason]]) };
    if (outcome.kind === 'bad-data') {
      const named = findBadLines(outcome.message, outcome.body, records.map((r) => r.line)).map((i) => records[i]!);
      if (named.length > 0 && named.length < records.length) {
        const namedIds = new Set(named.map((r) => r.id));
        const rest = await this.deliver(records.filter((r) => !namedIds.has(r.id)));
        if ('failed' in rest) return rest;
        for (const r of named) rest.reasons.set(r.id, reason);
        return { bad: [...named, ...rest.bad], reasons: rest.reasons };
      }
    }
    const mid = Math.ceil(records.length / 2);
    const left = await this.deliver(records.slice(0, mid));
    if ('failed' in left) return left;
    const right = await this.deliver(records.slice(mid));
    if ('failed' in right) return right;
    for (const [id, why] of right.reasons) left.reasons.set(id, why);
    return { bad: [...left.bad, ...right.bad], reasons: left.reasons };
  }

  private onSuccess(sent: number): void {
    const recovered = this.state !== 'ok';
    this.state = 'ok';
    this.attempt = 0;
    this.nextAttemptAt = 0;
    this.lastSuccessAt = Date.now();
    if (recovered && !this.closed)
      this.log.info({ sink: this.name, sent, queued: this.outbox.counters().depth }, 'InfluxDB writes resumed');
  }

  private onFailure(f: WriteOutcome & { kind: 'auth' | 'retry' }): void {
    if (this.closing.signal.aborted) return;
    const previous = this.state;
    this.lastError = f.kind === 'auth' ? `HTTP ${f.status}: ${f.message}` : f.message;
    let delay: number;
    if (f.kind === 'auth') {
      this.state = 'auth-failed';
      delay = this.authMs * (0.8 + 0.4 * this.random());
    } else {
      this.state = 'retrying';
      this.attempt++;
      const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt - 1, 30));
      // "Equal jitter": never less than half the step, so a fleet of boxes spreads out without hammering.
      delay = Math.max(ceiling / 2 + (ceiling / 2) * this.random(), f.retryAfterMs ?? 0);
    }
    this.nextAttemptAt = Date.now() + delay;
    clearTimeout(this.retryTimer);
    if (this.started) {
      // The timer is the scheduled attempt, so it forces: timers may fire a millisecond before nextAttemptAt.
      this.retryTimer = setTimeout(() => void this.kick(true), delay);
      this.retryTimer.unref();
    }
    const ctx = { sink: this.name, error: this.lastError, retryInMs: Math.round(delay), queued: this.outbox.counters().depth };
    if (f.kind === 'auth' && previous !== 'auth-failed') this.log.error(ctx, 'InfluxDB refused the credentials; points stay queued');
    else if (previous !== this.state) this.log.warn(ctx, 'InfluxDB write failed; points stay queued');
    else this.log.debug(ctx, 'InfluxDB write failed again');
  }

  private logRejected(bad: OutboxRecord[], reasons: Map<number, string>): void {
    if (bad.length === 0) return;
    for (const r of bad.slice(0, MAX_LOGGED_BAD_LINES))
      this.log.error({ sink: this.name, line: r.line, reason: reasons.get(r.id) }, 'InfluxDB refused a line; it is dropped, the rest of the batch is kept');
    if (bad.length > MAX_LOGGED_BAD_LINES)
      this.log.error({ sink: this.name, count: bad.length - MAX_LOGGED_BAD_LINES }, 'more refused lines dropped');
    this.lastError = reasons.get(bad[0]!.id);
  }
}

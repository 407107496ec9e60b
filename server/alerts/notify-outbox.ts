import type Database from 'better-sqlite3';
import { Type, type Static } from '@sinclair/typebox';
import type { ActiveAlert, Notification, NotificationKind } from './notifiers/types.js';

/**
 * The notifier outbox: every notification is a row in the embedded SQLite database before anything is sent,
 * one row per receiver, so a crash, a reboot or a WAN outage loses nothing and each receiver is retried on its
 * own. The idempotency key (alert id + event type + startsAt + receiver) is UNIQUE: the same event enqueued
 * twice (a replay after restart) is stored once, and delivered once.
 *
 * Delivery is at-least-once: a send whose reply is lost is sent again. The key travels with every request
 * (Idempotency-Key header, Message-ID, PagerDuty dedup_key) so receivers can drop such a repeat.
 */

export const DeliveryStateSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
  description: '`pending` until a receiver accepts it; `failed` once retries gave up (after `give up after`).',
});
export type DeliveryState = Static<typeof DeliveryStateSchema>;

/** One row as the API shows it (the payload stays internal: it repeats the alert the dashboard already has). */
export const DeliverySchema = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  receiver: Type.String(),
  kind: Type.Union([Type.Literal('firing'), Type.Literal('resolved'), Type.Literal('test')]),
  alertId: Type.String(),
  alertName: Type.String(),
  device: Type.String(),
  state: DeliveryStateSchema,
  attempts: Type.Integer(),
  created: Type.Number(),
  nextAt: Type.Number(),
  lastAttempt: Type.Optional(Type.Number()),
  lastError: Type.Optional(Type.String()),
  deliveredAt: Type.Optional(Type.Number()),
});
export type Delivery = Static<typeof DeliverySchema>;

export const ReceiverStatsSchema = Type.Object({
  receiver: Type.String(),
  type: Type.String(),
  pending: Type.Integer(),
  delivered: Type.Integer(),
  /** Notifications abandoned after retrying for the give-up period. */
  failed: Type.Integer(),
  /** Lifetime count of failed attempts (deliveries and Alertmanager re-posts). */
  failedAttempts: Type.Integer(),
  lastError: Type.Optional(Type.String()),
  lastErrorAt: Type.Optional(Type.Number()),
  lastDeliveredAt: Type.Optional(Type.Number()),
  /** Age of the oldest pending notification, ms: how far behind this receiver is. */
  oldestPendingAgeMs: Type.Optional(Type.Number()),
});
export type ReceiverStats = Static<typeof ReceiverStatsSchema>;

interface Row {
  id: number;
  key: string;
  receiver: string;
  alert_id: string;
  kind: NotificationKind;
  at: number;
  payload: string;
  created: number;
  state: DeliveryState;
  attempts: number;
  next_at: number;
  last_attempt: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

/** A due row with its notification decoded. */
export interface DueNotification {
  id: number;
  attempts: number;
  created: number;
  notification: Notification;
}

/**
 * Exponential backoff with "equal jitter": half the delay fixed, half random, so a box that lost its WAN does
 * not hammer a receiver, and many boxes coming back at once do not retry in lockstep.
 */
export function backoffMs(attempts: number, random: () => number, baseMs = 5_000, maxMs = 5 * 60_000): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + (full / 2) * random());
}

export class NotifyOutbox {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS notify_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        receiver TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        payload TEXT NOT NULL,
        created INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        last_attempt INTEGER,
        last_error TEXT,
        delivered_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox (receiver, state, next_at);
      CREATE INDEX IF NOT EXISTS notify_outbox_alert ON notify_outbox (receiver, alert_id, state);
      -- What each receiver was sent firing and not yet resolved: who gets a resolve, and what Alertmanager re-posts.
      CREATE TABLE IF NOT EXISTS notify_active (
        receiver TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        labels TEXT NOT NULL,
        alert TEXT NOT NULL,
        PRIMARY KEY (receiver, alert_id)
      );
      CREATE TABLE IF NOT EXISTS notify_receiver (
        receiver TEXT PRIMARY KEY,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_error_at INTEGER,
        last_delivered_at INTEGER
      );
    `);
    this.stmt = {
      insert: db.prepare(
        'INSERT OR IGNORE INTO notify_outbox (key, receiver, alert_id, kind, at, payload, created, next_at) VALUES (@key, @receiver, @alert_id, @kind, @at, @payload, @created, @created)',
      ),
      byKey: db.prepare('SELECT at FROM notify_outbox WHERE key = ?'),
      // In order, but never overtaking an earlier pending row of the same alert: a resolve must not arrive
      // before its firing, whatever the two rows' backoffs say.
      due: db.prepare(`
        SELECT * FROM notify_outbox o
        WHERE receiver = ? AND state = 'pending' AND next_at <= ?
          AND NOT EXISTS (SELECT 1 FROM notify_outbox p WHERE p.receiver = o.receiver AND p.alert_id = o.alert_id AND p.state = 'pending' AND p.id < o.id)
        ORDER BY id LIMIT ?`),
      delivered: db.prepare("UPDATE notify_outbox SET state = 'delivered', attempts = attempts + 1, last_attempt = @now, delivered_at = @now WHERE id = @id"),
      failed: db.prepare('UPDATE notify_outbox SET attempts = attempts + 1, last_attempt = @now, last_error = @error, next_at = @next, state = @state WHERE id = @id'),
      hurry: db.prepare("UPDATE notify_outbox SET next_at = ? WHERE receiver = ? AND state = 'pending' AND next_at > ?"),
      ensureReceiver: db.prepare('INSERT OR IGNORE INTO notify_receiver (receiver) VALUES (?)'),
      receiverError: db.prepare('UPDATE notify_receiver SET failed_attempts = failed_attempts + 1, last_error = ?, last_error_at = ? WHERE receiver = ?'),
      receiverOk: db.prepare('UPDATE notify_receiver SET last_delivered_at = ? WHERE receiver = ?'),
      receiverRow: db.prepare('SELECT * FROM notify_receiver WHERE receiver = ?'),
      counts: db.prepare('SELECT state, COUNT(*) AS n, MIN(created) AS oldest FROM notify_outbox WHERE receiver = ? GROUP BY state'),
      getActive: db.prepare('SELECT labels, alert FROM notify_active WHERE receiver = ? AND alert_id = ?'),
      listActive: db.prepare('SELECT labels, alert FROM notify_active WHERE receiver = ? ORDER BY alert_id'),
      setActive: db.prepare('INSERT OR REPLACE INTO notify_active (receiver, alert_id, labels, alert) VALUES (?, ?, ?, ?)'),
      delActive: db.prepare('DELETE FROM notify_active WHERE receiver = ? AND alert_id = ?'),
      prune: db.prepare("DELETE FROM notify_outbox WHERE state != 'pending' AND created < ?"),
    };
  }

  /** Run `fn` as one transaction: a batch of events is queued for every receiver, or for none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The `at` of the row stored under `key`, if any. */
  atOf(key: string): number | undefined {
    return (this.stmt.byKey.get(key) as { at: number } | undefined)?.at;
  }

  /** Store a notification; false when its key is already there (delivered once, never twice). */
  enqueue(n: Notification, now: number): boolean {
    const r = this.stmt.insert.run({ key: n.key, receiver: n.receiver, alert_id: n.alert.id, kind: n.kind, at: n.at, payload: JSON.stringify(n), created: now });
    return r.changes > 0;
  }

  due(receiver: string, now: number, limit = 50): DueNotification[] {
    return (this.stmt.due.all(receiver, now, limit) as Row[]).map((r) => ({ id: r.id, attempts: r.attempts, created: r.created, notification: JSON.parse(r.payload) as Notification }));
  }

  markDelivered(id: number, receiver: string, now: number): void {
    this.transaction(() => {
      this.stmt.delivered.run({ id, now });
      this.stmt.ensureReceiver.run(receiver);
      this.stmt.receiverOk.run(now, receiver);
    });
  }

  /** A failed attempt: retry at `next`, or give up (`failed`) when `giveUp`. */
  markFailed(id: number, receiver: string, now: number, error: string, next: number, giveUp: boolean): void {
    this.transaction(() => {
      this.stmt.failed.run({ id, now, error, next, state: giveUp ? 'failed' : 'pending' });
      this.recordError(receiver, now, error);
    });
  }

  /** A failure outside a stored notification (Alertmanager re-post, heartbeat) still counts in the stats. */
  recordError(receiver: string, now: number, error: string): void {
    this.stmt.ensureReceiver.run(receiver);
    this.stmt.receiverError.run(error, now, receiver);
  }

  recordOk(receiver: string, now: number): void {
    this.stmt.ensureReceiver.run(receiver);
    this.stmt.receiverOk.run(now, receiver);
  }

  /** The receiver answered: whatever of its queue waits in backoff is due now. */
  hurry(receiver: string, now: number): void {
    this.stmt.hurry.run(now, receiver, now);
  }

  getActive(receiver: string, alertId: string): ActiveAlert | undefined {
    const r = this.stmt.getActive.get(receiver, alertId) as { labels: string; alert: string } | undefined;
    return r && { labels: JSON.parse(r.labels), alert: JSON.parse(r.alert) };
  }

  listActive(receiver: string): ActiveAlert[] {
    return (this.stmt.listActive.all(receiver) as { labels: string; alert: string }[]).map((r) => ({ labels: JSON.parse(r.labels), alert: JSON.parse(r.alert) }));
  }

  setActive(receiver: string, a: ActiveAlert): void {
    this.stmt.setActive.run(receiver, a.alert.id, JSON.stringify(a.labels), JSON.stringify(a.alert));
  }

  deleteActive(receiver: string, alertId: string): void {
    this.stmt.delActive.run(receiver, alertId);
  }

  deliveries(opts: { limit?: number; state?: DeliveryState; receiver?: string } = {}): Delivery[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.state) where.push('state = ?'), args.push(opts.state);
    if (opts.receiver) where.push('receiver = ?'), args.push(opts.receiver);
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 100)));
    const sql = `SELECT * FROM notify_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as Row[]).map((r) => {
      const n = JSON.parse(r.payload) as Notification;
      const d: Delivery = {
        id: r.id, key: r.key, receiver: r.receiver, kind: r.kind, alertId: r.alert_id, alertName: n.alert.name, device: n.alert.device,
        state: r.state, attempts: r.attempts, created: r.created, nextAt: r.next_at,
      };
      if (r.last_attempt !== null) d.lastAttempt = r.last_attempt;
      if (r.last_error !== null) d.lastError = r.last_error;
      if (r.delivered_at !== null) d.deliveredAt = r.delivered_at;
      return d;
    });
  }

  stats(receiver: string, type: string, now: number): ReceiverStats {
    const s: ReceiverStats = { receiver, type, pending: 0, delivered: 0, failed: 0, failedAttempts: 0 };
    for (const row of this.stmt.counts.all(receiver) as { state: DeliveryState; n: number; oldest: number }[]) {
      s[row.state] = row.n;
      if (row.state === 'pending') s.oldestPendingAgeMs = Math.max(0, now - row.oldest);
    }
    const r = this.stmt.receiverRow.get(receiver) as { failed_attempts: number; last_error: string | null; last_error_at: number | null; last_delivered_at: number | null } | undefined;
    if (r) {
      s.failedAttempts = r.failed_attempts;
      if (r.last_error !== null) s.lastError = r.last_error;
      if (r.last_error_at !== null) s.lastErrorAt = r.last_error_at;
      if (r.last_delivered_at !== null) s.lastDeliveredAt = r.last_delivered_at;
    }
    return s;
  }

  /** Forget finished rows older than `before`; pending rows stay whatever their age. */
  prune(before: number): number {
    return this.stmt.prune.run(before).changes;
  }
}

import type Database from 'better-sqlite3';
import { statfsSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import type { TObject } from '@sinclair/typebox';
import type { ProbeLogger } from '../../probes/types.js';
import { parseDuration } from '../config/duration.js';
import type { Alert, AlertEvent } from './schema.js';
import { Heartbeat, HeartbeatConfigSchema, type HeartbeatConfig, type HeartbeatStatus } from './heartbeat.js';
import { backoffMs, NotifyOutbox, type Delivery, type DeliveryState, type ReceiverStats } from './notify-outbox.js';
import { alertmanagerLabels } from './notifiers/alertmanager.js';
import { notifiers, receiverName, type NotifierConfig, type NotifyConfig } from './notifiers/index.js';
import type { Notification, Sender, SendResult, Watchdog } from './notifiers/types.js';

export { NotifyConfigSchema, NotifierConfigSchema } from './notifiers/index.js';
export { HeartbeatConfigSchema } from './heartbeat.js';

export interface NotificationServiceOptions {
  /** The embedded store's database: the outbox lives in it, next to the alert history. */
  db: Database.Database;
  notify: NotifyConfig;
  heartbeat?: HeartbeatConfig;
  site: string;
  log: ProbeLogger;
  version: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Poll lag, devices stale/down, sink outbox depths, clock offset: the runtime's view of itself. */
  healthSnapshot: () => object;
  /** Data directory whose free space the heartbeat reports. */
  dataDir?: string;
  /** Jitter source; tests pass a fixed one. */
  random?: () => number;
  /** Retry timing: first retry after ~`baseMs`, doubling up to `maxMs`, abandoned after `giveUpMs`. */
  retry?: { baseMs?: number; maxMs?: number; giveUpMs?: number };
}

interface Receiver {
  name: string;
  cfg: NotifierConfig;
  sender: Sender;
  timeoutMs: number;
  /** Secret values of this receiver's config, scrubbed from every error text and log line. */
  secrets: string[];
  /** Serialises this receiver's sends: ordering per alert, and no two attempts of one row at once. */
  chain: Promise<void>;
  /** Work items waiting on or running in the chain; the timer skips a receiver that is still busy. */
  queued: number;
  lastRepeat: number;
  /** After a failed attempt the whole receiver waits out that backoff: it is the receiver that is down, not one row. */
  holdUntil: number;
}

/** Thrown for a notify/heartbeat config that cannot work; the message names the config path. */
export class NotifyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid alerts.notify / alerts.heartbeat config:\n  ${problems.join('\n  ')}`);
  }
}

function secretValues(schema: TObject, cfg: Record<string, unknown>): string[] {
  return Object.entries(schema.properties)
    .filter(([, s]) => (s as Record<string, unknown>)['x-secret'] === true)
    .map(([k]) => cfg[k])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Every problem of the config, each with its path; empty when it is fine. */
export function notifyConfigErrors(notify: unknown, heartbeat?: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(notify)) problems.push('alerts.notify: must be a list');
  else {
    const names = new Set<string>();
    notify.forEach((entry: unknown, i) => {
      const path = `alerts.notify[${i}]`;
      const type = (entry as { type?: unknown } | null)?.type;
      const notifier = typeof type === 'string' ? (notifiers as Record<string, { configSchema: TObject }>)[type] : undefined;
      if (!notifier) {
        problems.push(`${path}.type: must be one of ${Object.keys(notifiers).join(', ')}`);
        return;
      }
      for (const e of Value.Errors(notifier.configSchema, entry)) problems.push(`${path}${e.path.replaceAll('/', '.')}: ${e.message}`);
      const name = receiverName(entry as NotifierConfig, i);
      if (names.has(name)) problems.push(`${path}.name: duplicate receiver name "${name}"`);
      names.add(name);
    });
  }
  if (heartbeat !== undefined) for (const e of Value.Errors(HeartbeatConfigSchema, heartbeat)) problems.push(`alerts.heartbeat${e.path.replaceAll('/', '.')}: ${e.message}`);
  return problems;
}

const WATCHDOG_NAME = 'OutpostWatchdog';
const PRUNE_AFTER_MS = 30 * 86_400_000;

/**
 * Turns alert events into durable, per-receiver notifications and delivers them: routing, the outbox, retries
 * with backoff, Alertmanager re-posts and the Watchdog, and the heartbeat. Each receiver runs on its own, so a
 * dead WAN delays the cloud receivers while a LAN mail relay keeps getting mail.
 */
export class NotificationService {
  readonly outbox: NotifyOutbox;
  private readonly receivers: Receiver[];
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly retry: { baseMs: number; maxMs: number; giveUpMs: number };
  private readonly heartbeat: Heartbeat | undefined;
  private readonly startedAt: number;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly o: NotificationServiceOptions) {
    const problems = notifyConfigErrors(o.notify, o.heartbeat);
    if (problems.length) throw new NotifyConfigError(problems);
    this.fetchFn = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
    this.retry = { baseMs: o.retry?.baseMs ?? 5_000, maxMs: o.retry?.maxMs ?? 5 * 60_000, giveUpMs: o.retry?.giveUpMs ?? 7 * 86_400_000 };
    this.startedAt = this.now();
    this.outbox = new NotifyOutbox(o.db);
    this.receivers = o.notify.map((cfg, i) => {
      const notifier = notifiers[cfg.type] as unknown as { configSchema: TObject; create(c: NotifierConfig, ctx: { site: string; version: string }): Sender };
      return {
        name: receiverName(cfg, i),
        cfg,
        sender: notifier.create(cfg, { site: o.site, version: o.version }),
        timeoutMs: parseDuration(cfg.timeout ?? '10s'),
        secrets: secretValues(notifier.configSchema, cfg as unknown as Record<string, unknown>),
        chain: Promise.resolve(),
        queued: 0,
        lastRepeat: -Infinity,
        holdUntil: -Infinity,
      };
    });
    if (o.heartbeat)
      this.heartbeat = new Heartbeat({ config: o.heartbeat, site: o.site, version: o.version, fetch: this.fetchFn, now: this.now, log: o.log, report: () => this.healthReport() });
  }

  /** Receiver names and types, in config order (the dashboard's list and "send test" buttons). */
  receiverList(): Array<{ name: string; type: string }> {
    return this.receivers.map((r) => ({ name: r.name, type: r.cfg.type }));
  }

  private routes(r: Receiver, alert: Alert): boolean {
    return (!r.cfg.severities || r.cfg.severities.includes(alert.severity)) && (!r.cfg.classes || r.cfg.classes.includes(alert.class));
  }

  /**
   * Queue the notifications these events call for, durably, in one transaction (README "notifier contract"):
   * `firing` to every receiver whose routing matches; `resolved` only to receivers that were sent the firing
   * (and only for alerts marked `notified`); `updated` refreshes what Alertmanager re-posts.
   */
  onAlertEvents(events: AlertEvent[]): void {
    const now = this.now();
    let queued = false;
    this.outbox.transaction(() => {
      for (const ev of events) {
        for (const r of this.receivers) {
          const active = this.outbox.getActive(r.name, ev.alert.id);
          if (ev.type === 'firing') {
            if (!this.routes(r, ev.alert)) continue;
            const labels = alertmanagerLabels(ev.alert, this.o.site);
            const n: Notification = { key: this.key(ev, r.name), receiver: r.name, kind: 'firing', alert: ev.alert, labels, at: ev.at, site: this.o.site };
            if (active && JSON.stringify(active.labels) !== JSON.stringify(labels)) n.supersedes = active.labels;
            queued = this.outbox.enqueue(n, now) || queued;
            this.outbox.setActive(r.name, { alert: ev.alert, labels });
          } else if (ev.type === 'resolved') {
            if (!ev.alert.notified || !active) continue;
            this.outbox.deleteActive(r.name, ev.alert.id);
            if (r.cfg.send_resolved === false) continue;
            const n: Notification = { key: this.key(ev, r.name), receiver: r.name, kind: 'resolved', alert: ev.alert, labels: active.labels, at: ev.at, site: this.o.site };
            queued = this.outbox.enqueue(n, now) || queued;
          } else if (ev.type === 'updated' && active) {
            // Keep the labels it was posted under: a changed label set would be a second alert in Alertmanager.
            this.outbox.setActive(r.name, { alert: ev.alert, labels: active.labels });
          }
        }
      }
    });
    if (queued && this.timers.length) void this.runDue();
  }

  /**
   * Idempotency key: alert id + event type + startsAt + receiver. A later page of the same episode (escalation,
   * end of a silence or maintenance) is a new notification: it gets the event time appended, while a replay of
   * the very same event (same time) keeps the key and is dropped as a duplicate.
   */
  private key(ev: AlertEvent, receiver: string): string {
    const base = `${ev.alert.id}:${ev.type}:${ev.alert.startsAt}:${receiver}`;
    const at = this.outbox.atOf(base);
    return at === undefined || at === ev.at ? base : `${base}@${ev.at}`;
  }

  private scrub(r: Receiver, text: string): string {
    let out = text;
    for (const s of r.secrets) out = out.split(s).join('***');
    return out;
  }

  private ctx(r: Receiver, now: number) {
    return { fetch: this.fetchFn, now, signal: AbortSignal.timeout(r.timeoutMs), log: this.o.log };
  }

  private async attempt(r: Receiver, n: Notification, now: number): Promise<SendResult> {
    try {
      return await r.sender.send(n, this.ctx(r, now));
    } catch (err) {
      // A sender should not throw; if one does, it is a bug, but the notification must still be retried.
      return { ok: false, error: `notifier error: ${(err as Error).message}` };
    }
  }

  /** Deliver what is due for one receiver, oldest first, until its queue is empty or an attempt fails. */
  private async drain(r: Receiver, now: number, force = false): Promise<void> {
    if (!force && now < r.holdUntil) return;
    for (let rounds = 0; rounds < 100; rounds++) {
      const due = this.outbox.due(r.name, now);
      if (due.length === 0) return;
      for (const d of due) {
        const result = await this.attempt(r, d.notification, now);
        if (result.ok) {
          r.holdUntil = -Infinity;
          this.outbox.markDelivered(d.id, r.name, now);
          // It answers again: what waits in backoff need not wait any longer.
          this.outbox.hurry(r.name, now);
          continue;
        }
        const error = this.scrub(r, result.error);
        const attempts = d.attempts + 1;
        const giveUp = now - d.created >= this.retry.giveUpMs;
        const next = now + Math.max(result.retryAfterMs ?? 0, backoffMs(attempts, this.random, this.retry.baseMs, this.retry.maxMs));
        this.outbox.markFailed(d.id, r.name, now, error, next, giveUp);
        r.holdUntil = next;
        this.o.log.warn({ receiver: r.name, type: r.cfg.type, kind: d.notification.kind, alert: d.notification.alert.name, attempts, error, gaveUp: giveUp }, 'notification delivery failed');
        // The receiver is most likely down: leave the rest for the next pass rather than fail each in turn.
        return;
      }
    }
  }

  private watchdog(): Watchdog {
    return {
      labels: { alertname: WATCHDOG_NAME, site: this.o.site, severity: 'none' },
      summary: `Outpost ${this.o.version} at ${this.o.site} is alive. This alert always fires; its absence means the box or its uplink is down.`,
      startsAt: this.startedAt,
    };
  }

  /** Alertmanager receivers: re-post everything still firing, and the Watchdog, once `repeat` has passed. */
  private async repost(r: Receiver, now: number, force: boolean): Promise<void> {
    const rep = r.sender.repeat;
    if (!rep || (!force && now - r.lastRepeat < rep.everyMs)) return;
    r.lastRepeat = now;
    let result: SendResult;
    try {
      result = await rep.post(this.outbox.listActive(r.name), rep.watchdog ? this.watchdog() : undefined, this.ctx(r, now));
    } catch (err) {
      result = { ok: false, error: `notifier error: ${(err as Error).message}` };
    }
    if (result.ok) this.outbox.recordOk(r.name, now);
    else {
      const error = this.scrub(r, result.error);
      this.outbox.recordError(r.name, now, error);
      this.o.log.warn({ receiver: r.name, type: r.cfg.type, error }, 'alertmanager re-post failed');
    }
  }

  /** Queue work on a receiver's chain so its sends never overlap. */
  private enqueueWork(r: Receiver, fn: () => Promise<void>): Promise<void> {
    r.queued++;
    const p = r.chain
      .then(fn)
      .catch((err) => this.o.log.error({ err, receiver: r.name }, 'notification worker failed'))
      .finally(() => r.queued--);
    r.chain = p;
    return p;
  }

  /**
   * One delivery pass at `now` for every receiver, in parallel: what is due is sent, failures are rescheduled.
   * The timers call it every second; tests call it with a simulated clock to live through hours of outage.
   */
  async runDue(now = this.now()): Promise<void> {
    await Promise.all(this.receivers.map((r) => this.enqueueWork(r, () => this.drain(r, now))));
  }

  /** Re-posts due at `now` (`force`: regardless of `repeat`). */
  async runRepeats(now = this.now(), force = false): Promise<void> {
    await Promise.all(this.receivers.filter((r) => r.sender.repeat).map((r) => this.enqueueWork(r, () => this.repost(r, now, force))));
  }

  start(): void {
    if (this.timers.length) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      const now = this.now();
      for (const r of this.receivers) {
        if (r.queued > 0) continue;
        void this.enqueueWork(r, async () => {
          await this.repost(r, now, false);
          await this.drain(r, now);
        });
      }
    };
    this.timers.push(setInterval(tick, 1000));
    this.timers.push(setInterval(() => this.outbox.prune(this.now() - PRUNE_AFTER_MS), 3_600_000));
    for (const t of this.timers) t.unref?.();
    tick();
    this.heartbeat?.start();
  }

  /** Stop the timers and wait for attempts in flight; what is pending stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.heartbeat?.stop();
    await Promise.all(this.receivers.map((r) => r.chain));
    await Promise.all(this.receivers.map((r) => r.sender.close?.().catch(() => undefined)));
  }

  deliveries(opts: { limit?: number; state?: DeliveryState; receiver?: string } = {}): Delivery[] {
    return this.outbox.deliveries(opts);
  }

  stats(): ReceiverStats[] {
    const now = this.now();
    return this.receivers.map((r) => this.outbox.stats(r.name, r.cfg.type, now));
  }

  heartbeatStatus(): HeartbeatStatus | undefined {
    return this.heartbeat?.status;
  }

  /** Send the heartbeat now (tests; a "send heartbeat" button). */
  beat(now = this.now()): Promise<SendResult> | undefined {
    return this.heartbeat?.beat(now);
  }

  /**
   * The dashboard's "send test" button: a test notification, stored like any other and attempted at once, so
   * the tech sees right away whether the receiver works. A failure is retried like any notification.
   */
  async sendTest(receiver: string): Promise<Delivery> {
    const r = this.receivers.find((x) => x.name === receiver);
    if (!r) throw new Error(`no receiver named "${receiver}" (have: ${this.receivers.map((x) => x.name).join(', ') || 'none'})`);
    const now = this.now();
    const alert: Alert = {
      id: `test-${now}`,
      rule: 'OutpostTest',
      name: 'OutpostTest',
      device: 'outpost',
      class: 'server',
      severity: 'warning',
      summary: `Test notification from Outpost at ${this.o.site} to receiver ${r.name}`,
      labels: { alertname: 'OutpostTest', site: this.o.site, device: 'outpost', class: 'server', severity: 'warning' },
      startsAt: now,
      flapping: false,
      notified: false,
    };
    const n: Notification = { key: `test:${now}:${r.name}`, receiver: r.name, kind: 'test', alert, labels: alert.labels, at: now, site: this.o.site };
    this.outbox.enqueue(n, now);
    await this.enqueueWork(r, () => this.drain(r, now, true));
    const d = this.outbox.deliveries({ receiver: r.name, limit: 50 }).find((x) => x.key === n.key);
    if (!d) throw new Error('test notification vanished from the outbox');
    return d;
  }

  /** What the heartbeat reports: the runtime's health plus this service's own queues and the data disk. */
  healthReport(): Record<string, unknown> {
    const now = this.now();
    const report: Record<string, unknown> = { ...(this.o.healthSnapshot() as Record<string, unknown>) };
    report.uptime_s = Math.round((now - this.startedAt) / 1000);
    report.receivers = this.stats().map((s) => ({
      name: s.receiver,
      type: s.type,
      pending: s.pending,
      failed_attempts: s.failedAttempts,
      oldest_pending_s: s.oldestPendingAgeMs === undefined ? 0 : Math.round(s.oldestPendingAgeMs / 1000),
      last_error: s.lastError,
    }));
    if (this.o.dataDir && report.disk_free_bytes === undefined) {
      try {
        const st = statfsSync(this.o.dataDir);
        report.disk_free_bytes = st.bavail * st.bsize;
      } catch (err) {
        report.disk_free_error = (err as Error).message;
      }
    }
    return report;
  }
}

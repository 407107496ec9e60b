import { Type, type Static, type TObject } from '@sinclair/typebox';
import type { ProbeLogger } from '../../../probes/types.js';
import { Duration } from '../../config/duration.js';
import { DeviceClassSchema, SeveritySchema, type Alert } from '../schema.js';

/**
 * The notifier contract (STYLE.md 10, after Gatus's AlertProvider): each notifier is one small module with its
 * own config schema and a `create()` that builds a sender for one configured receiver. Senders never throw for a
 * receiver that is down: they resolve to a `SendResult`, and the delivery loop decides when to retry.
 */

/** Marks a config field the redactor blanks and that never reaches a log line or `last_error`. */
export const Secret = (description: string) => Type.String({ minLength: 1, description, 'x-secret': true });

/** An http(s) URL. Loopback is fine: tests and a local Alertmanager on the box itself use it. */
export const HttpUrl = (description: string) => Type.String({ pattern: '^https?://', description });

/**
 * Fields every receiver has. Routing is by severity and device class, the two things a tech decides on
 * ("criticals to PagerDuty, everything to the PSA webhook, UPS alerts to the office manager by email").
 */
export const commonFields = {
  name: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
      description: 'Receiver name shown in delivery stats and used by "send test"; default `<type>-<index>`. Part of the idempotency key, so renaming one re-sends nothing already delivered under the old name.',
    }),
  ),
  severities: Type.Optional(Type.Array(SeveritySchema, { minItems: 1, description: 'Only alerts of these severities (default: all).' })),
  classes: Type.Optional(Type.Array(DeviceClassSchema, { minItems: 1, description: 'Only alerts of devices of these classes (default: all).' })),
  send_resolved: Type.Optional(Type.Boolean({ default: true, description: 'Also send resolves (only ever for alerts whose firing this receiver was sent).' })),
  timeout: Type.Optional(Duration('Deadline of one delivery attempt.', '10s')),
};

export type NotificationKind = 'firing' | 'resolved' | 'test';

/**
 * One stored notification for one receiver: everything a sender needs, fixed at enqueue time, so a retry after
 * a restart sends exactly what would have been sent at first.
 */
export interface Notification {
  /** Idempotency key: alert id + event type + startsAt + receiver (see notify-outbox.ts). */
  key: string;
  receiver: string;
  kind: NotificationKind;
  alert: Alert;
  /** The label set this receiver knows the alert by (for a resolve: the one last sent firing). */
  labels: Record<string, string>;
  /** An earlier label set of the same alert (escalation changed `severity`) that must be ended. */
  supersedes?: Record<string, string>;
  /** The engine event's time, ms; a resolve's end time. */
  at: number;
  site: string;
}

export type SendResult = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

export interface SendContext {
  fetch: typeof fetch;
  /** The delivery's clock: injected in tests so retries and `endsAt` follow simulated time. */
  now: number;
  signal: AbortSignal;
  log: ProbeLogger;
}

/** What `create()` returns for one receiver. */
export interface Sender {
  send(n: Notification, ctx: SendContext): Promise<SendResult>;
  /**
   * Alertmanager only: re-post what is still firing (and the Watchdog) every `repeat`, because Alertmanager
   * resolves an alert on its own once `endsAt` passes without news.
   */
  repeat?: { everyMs: number; watchdog: boolean; post(active: ActiveAlert[], watchdog: Watchdog | undefined, ctx: SendContext): Promise<SendResult> };
  close?(): Promise<void>;
}

/** An alert this receiver was sent `firing` for and not yet `resolved`, with the labels it was sent under. */
export interface ActiveAlert {
  alert: Alert;
  labels: Record<string, string>;
}

/**
 * The always-firing `OutpostWatchdog` (severity `none`): it is not an engine alert, so it has only what
 * Alertmanager needs. Central routes its absence (a dead-man's switch) rather than its presence.
 */
export interface Watchdog {
  labels: Record<string, string>;
  summary: string;
  startsAt: number;
}

export interface Notifier<S extends TObject> {
  type: string;
  configSchema: S;
  create(cfg: Static<S>, ctx: { site: string; version: string }): Sender;
}

/** A readable error for a failed fetch: Node's `fetch failed` hides the reason (ECONNREFUSED, timeout) in `cause`. */
export function fetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return cause.code;
    if (cause?.message) return cause.message;
    return err.message;
  }
  return String(err);
}

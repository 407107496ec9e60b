import { Type, type Static } from '@sinclair/typebox';
import { Duration, parseDuration } from '../config/duration.js';
import type { ProbeLogger } from '../../probes/types.js';
import { sendHttp } from './notifiers/http.js';
import { Secret } from './notifiers/types.js';
import type { SendResult } from './notifiers/types.js';
import { signWebhook } from './notifiers/webhook.js';

/**
 * `alerts.heartbeat`: proof of life to a central URL. Alerts tell central what is wrong at a site; only a
 * heartbeat tells it the box itself is gone (power, WAN, a crashed service). Not queued: a late heartbeat is
 * worthless, and its absence is the message.
 */
export const HeartbeatConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'Where to report: a healthchecks.io-style ping URL (GET) or your own endpoint (POST).', 'x-secret': true }),
    every: Duration('How often.', '60s'),
    method: Type.Optional(
      Type.Union([Type.Literal('POST'), Type.Literal('GET')], {
        default: 'POST',
        description: '`POST`: a JSON self-health report, signed when `secret` is set. `GET`: a bare ping (healthchecks.io, Uptime Kuma push).',
      }),
    ),
    secret: Type.Optional(Secret('HMAC-SHA256 key; the POST carries `X-Outpost-Timestamp` and `X-Outpost-Signature` as webhooks do.')),
    timeout: Type.Optional(Duration('Deadline of one heartbeat.', '10s')),
  },
  { additionalProperties: false, description: 'Periodic heartbeat to a central URL.' },
);
export type HeartbeatConfig = Static<typeof HeartbeatConfigSchema>;

export interface HeartbeatOptions {
  config: HeartbeatConfig;
  site: string;
  version: string;
  fetch: typeof fetch;
  now: () => number;
  log: ProbeLogger;
  /** The self-health report (poll lag, stale/down devices, outbox depths, disk free, clock offset). */
  report: () => Record<string, unknown>;
}

export interface HeartbeatStatus {
  lastAt?: number;
  lastOk?: boolean;
  lastError?: string;
  sent: number;
  failed: number;
}

export class Heartbeat {
  readonly everyMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<SendResult> | undefined;
  readonly status: HeartbeatStatus = { sent: 0, failed: 0 };

  constructor(private readonly o: HeartbeatOptions) {
    this.everyMs = parseDuration(o.config.every);
    if (this.everyMs < 1000) throw new Error('alerts.heartbeat.every: must be at least 1s');
  }

  /** The POST body: who, what version, when, and the health report. */
  body(now: number): Record<string, unknown> {
    let health: Record<string, unknown>;
    try {
      health = this.o.report();
    } catch (err) {
      // A broken health source must not silence the heartbeat: a beat saying so is better than none.
      health = { error: `health report failed: ${(err as Error).message}` };
    }
    return { site: this.o.site, version: this.o.version, at: new Date(now).toISOString(), ...health };
  }

  async beat(now = this.o.now()): Promise<SendResult> {
    const c = this.o.config;
    const ctx = { fetch: this.o.fetch, now, signal: AbortSignal.timeout(parseDuration(c.timeout ?? '10s')), log: this.o.log };
    let result: SendResult;
    if ((c.method ?? 'POST') === 'GET') result = await sendHttp(ctx, c.url, { method: 'GET' });
    else {
      const body = JSON.stringify(this.body(now));
      const timestamp = String(Math.floor(now / 1000));
      const headers: Record<string, string> = { 'x-outpost-timestamp': timestamp };
      if (c.secret) headers['x-outpost-signature'] = signWebhook(c.secret, timestamp, body);
      result = await sendHttp(ctx, c.url, { body, headers });
    }
    this.status.lastAt = now;
    this.status.lastOk = result.ok;
    if (result.ok) {
      this.status.sent++;
      delete this.status.lastError;
    } else {
      this.status.failed++;
      this.status.lastError = result.error;
      this.o.log.warn({ error: result.error }, 'heartbeat failed');
    }
    return result;
  }

  start(): void {
    const run = () => {
      if (this.inFlight) return;
      this.inFlight = this.beat().finally(() => (this.inFlight = undefined));
    };
    run();
    this.timer = setInterval(run, this.everyMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}

import { Type } from '@sinclair/typebox';
import { createHmac } from 'node:crypto';
import { sendHttp } from './http.js';
import { commonFields, HttpUrl, Secret, type Notification, type Notifier } from './types.js';

export const WebhookConfigSchema = Type.Object(
  {
    type: Type.Literal('webhook'),
    ...commonFields,
    url: HttpUrl('Where the JSON is POSTed (a PSA, a ticketing system, your own script).'),
    secret: Type.Optional(Secret('HMAC-SHA256 key: every request carries `X-Outpost-Signature: sha256=<hex>` over `<timestamp>.<body>`.')),
  },
  { additionalProperties: false, description: 'Generic signed JSON webhook.' },
);

/** Version of the body below; bumped only on an incompatible change. */
export const WEBHOOK_BODY_VERSION = 1;

export function webhookBody(n: Notification, sentAt: number) {
  return { version: WEBHOOK_BODY_VERSION, key: n.key, status: n.kind, site: n.site, receiver: n.receiver, labels: n.labels, alert: n.alert, at: n.at, sentAt };
}

/**
 * The signature covers the timestamp as well as the body (Stripe's and Slack's scheme), so a captured request
 * cannot be replayed later: the receiver rejects timestamps more than a few minutes old.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const webhook = {
  type: 'webhook',
  configSchema: WebhookConfigSchema,
  create(cfg) {
    return {
      send(n, ctx) {
        const body = JSON.stringify(webhookBody(n, ctx.now));
        const timestamp = String(Math.floor(ctx.now / 1000));
        const headers: Record<string, string> = { 'idempotency-key': n.key, 'x-outpost-timestamp': timestamp };
        if (cfg.secret) headers['x-outpost-signature'] = signWebhook(cfg.secret, timestamp, body);
        return sendHttp(ctx, cfg.url, { body, headers });
      },
    };
  },
} satisfies Notifier<typeof WebhookConfigSchema>;

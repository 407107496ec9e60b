import { Type } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { facts, title } from './format.js';
import { commonFields, Secret, type Notification, type Notifier } from './types.js';

export const EmailConfigSchema = Type.Object(
  {
    type: Type.Literal('email'),
    ...commonFields,
    host: Type.String({ minLength: 1, description: 'SMTP server (the MSP relay or the customer\'s mail server).' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 587, description: 'SMTP port: 587 for submission with STARTTLS, 465 for implicit TLS.' })),
    tls: Type.Optional(
      Type.Union([Type.Literal('starttls'), Type.Literal('implicit'), Type.Literal('none')], {
        default: 'starttls',
        description: '`starttls` (required: never sends the password in clear), `implicit` (TLS from the first byte, port 465), or `none` (a relay on the LAN).',
      }),
    ),
    tls_insecure: Type.Optional(Type.Boolean({ default: false, description: 'Accept any server certificate. Only for a relay with a self-signed certificate you cannot replace; the connection is then open to interception.' })),
    username: Type.Optional(Type.String({ minLength: 1, description: 'SMTP AUTH user.' })),
    password: Type.Optional(Secret('SMTP AUTH password.')),
    from: Type.String({ minLength: 3, description: 'Sender address, e.g. "Outpost <outpost@acme.example>".' }),
    to: Type.Array(Type.String({ minLength: 3 }), { minItems: 1, description: 'Recipients.' }),
  },
  { additionalProperties: false, description: 'Email over SMTP.' },
);

export function emailMessage(n: Notification, from: string, to: string[]) {
  const lines = [n.alert.summary, '', ...facts(n).map(([k, v]) => `${k}: ${v}`), '', `Alert id: ${n.alert.id}`];
  return {
    from,
    to,
    subject: title(n),
    text: lines.join('\n'),
    // Derived from the idempotency key: a retry of a mail the server did take (but whose reply was lost) has
    // the same Message-ID, which mail clients and many relays use to drop the duplicate.
    messageId: `<${createHash('sha256').update(n.key).digest('hex').slice(0, 32)}@outpost.${n.site}>`,
    headers: { 'X-Outpost-Key': n.key, 'X-Outpost-Status': n.kind },
  };
}

export const email = {
  type: 'email',
  configSchema: EmailConfigSchema,
  create(cfg) {
    const mode = cfg.tls ?? 'starttls';
    const timeoutMs = 30_000;
    // Not pooled: notifications are rare, and a kept-open connection would go stale between them.
    // nodemailer is loaded on the first mail, not at start: it weighs ~13 MB of RSS on a 1 GB box that may never mail.
    const options = {
      host: cfg.host,
      port: cfg.port ?? (mode === 'implicit' ? 465 : 587),
      secure: mode === 'implicit',
      requireTLS: mode === 'starttls',
      ignoreTLS: mode === 'none',
      auth: cfg.username ? { user: cfg.username, pass: cfg.password ?? '' } : undefined,
      tls: { rejectUnauthorized: !(cfg.tls_insecure ?? false) },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } satisfies SMTPTransport.Options;
    let transport: { sendMail(m: object): Promise<unknown>; close(): void } | undefined;
    return {
      async send(n) {
        try {
          if (!transport) transport = (await import('nodemailer')).default.createTransport(options);
          await transport.sendMail(emailMessage(n, cfg.from, cfg.to));
          return { ok: true };
        } catch (err) {
          const e = err as Error & { code?: string; responseCode?: number; response?: string };
          const detail = e.responseCode ? `${e.responseCode} ${e.response ?? ''}`.trim() : (e.code ?? e.message);
          return { ok: false, error: `SMTP ${detail}`.slice(0, 300) };
        }
      },
      async close() {
        transport?.close();
      },
    };
  },
} satisfies Notifier<typeof EmailConfigSchema>;

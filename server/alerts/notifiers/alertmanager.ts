import { Type } from '@sinclair/typebox';
import { parseDuration, Duration } from '../../config/duration.js';
import type { Alert } from '../schema.js';
import { basicAuth, sendHttp } from './http.js';
import { commonFields, HttpUrl, Secret, type ActiveAlert, type Watchdog, type Notifier, type SendContext } from './types.js';

export const AlertmanagerConfigSchema = Type.Object(
  {
    type: Type.Literal('alertmanager'),
    ...commonFields,
    url: HttpUrl('Alertmanager base URL (alerts go to `<url>/api/v2/alerts`), e.g. https://alerts.msp.example.'),
    repeat: Type.Optional(
      Duration('How often firing alerts are re-posted; Alertmanager ends an alert on its own 4 × repeat after the last post.', '1m'),
    ),
    watchdog: Type.Optional(Type.Boolean({ default: true, description: 'Post the always-firing `OutpostWatchdog` alert, so central notices a dead box.' })),
    username: Type.Optional(Type.String({ minLength: 1, description: 'HTTP Basic auth user (an auth proxy in front of Alertmanager).' })),
    password: Type.Optional(Secret('HTTP Basic auth password.')),
  },
  { additionalProperties: false, description: 'Prometheus Alertmanager, API v2.' },
);

/** Alertmanager's postable alert (api/v2 openapi `postableAlert`). */
interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function postable(labels: Record<string, string>, alert: Pick<Alert, 'summary' | 'startsAt' | 'value'>, endsAt: number): PostableAlert {
  const annotations: Record<string, string> = { summary: alert.summary };
  if (alert.value !== undefined) annotations.value = String(alert.value);
  return { labels, annotations, startsAt: iso(alert.startsAt), endsAt: iso(endsAt) };
}

/**
 * Alertmanager identifies an alert by its label set, so the labels are the contract with central's routes:
 * alertname, site, device, class, severity, plus instance when the rule has one, plus any configured label.
 * Empty values are dropped: Alertmanager treats an empty label as absent anyway.
 */
export function alertmanagerLabels(alert: Alert, site: string): Record<string, string> {
  const labels: Record<string, string> = { ...alert.labels, alertname: alert.name, site: alert.labels.site ?? site, device: alert.device, class: alert.class, severity: alert.severity };
  if (alert.instance) labels.instance = alert.instance;
  for (const [k, v] of Object.entries(labels)) if (v === '') delete labels[k];
  return labels;
}

export const alertmanager = {
  type: 'alertmanager',
  configSchema: AlertmanagerConfigSchema,
  create(cfg) {
    const url = `${cfg.url.replace(/\/+$/, '')}/api/v2/alerts`;
    const repeatMs = parseDuration(cfg.repeat ?? '1m');
    const headers = basicAuth(cfg.username, cfg.password);
    const post = (alerts: PostableAlert[], ctx: SendContext) => sendHttp(ctx, url, { body: JSON.stringify(alerts), headers });
    // While firing, endsAt is pushed 4 repeats ahead (as Prometheus does), so three lost posts in a row do not
    // resolve it, but a dead box's alerts do expire.
    const firingEnd = (now: number) => now + 4 * repeatMs;
    return {
      send(n, ctx) {
        const alerts: PostableAlert[] = [];
        if (n.kind === 'resolved') alerts.push(postable(n.labels, n.alert, n.alert.endsAt ?? n.at));
        else if (n.kind === 'test') alerts.push(postable(n.labels, n.alert, ctx.now + 5 * 60_000));
        else {
          alerts.push(postable(n.labels, n.alert, firingEnd(ctx.now)));
          // An escalation changed the severity label: end the old label set now, or it would linger as a
          // second alert until its endsAt.
          if (n.supersedes) alerts.push(postable(n.supersedes, n.alert, n.at));
        }
        return post(alerts, ctx);
      },
      repeat: {
        everyMs: repeatMs,
        watchdog: cfg.watchdog ?? true,
        post(active: ActiveAlert[], watchdog: Watchdog | undefined, ctx: SendContext) {
          const alerts = active.map((a) => postable(a.labels, a.alert, firingEnd(ctx.now)));
          if (watchdog) alerts.push(postable(watchdog.labels, watchdog, firingEnd(ctx.now)));
          return alerts.length ? post(alerts, ctx) : Promise.resolve({ ok: true as const });
        },
      },
    };
  },
} satisfies Notifier<typeof AlertmanagerConfigSchema>;

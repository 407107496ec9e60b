import { Type } from '@sinclair/typebox';
import { sendHttp } from './http.js';
import { commonFields, HttpUrl, Secret, type Notification, type Notifier } from './types.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export const PagerDutyConfigSchema = Type.Object(
  {
    type: Type.Literal('pagerduty'),
    ...commonFields,
    routing_key: Secret('Integration key of an Events API v2 integration on the service.'),
    url: Type.Optional(HttpUrl(`Events API endpoint; default ${PAGERDUTY_EVENTS_URL} (EU accounts: https://events.eu.pagerduty.com/v2/enqueue).`)),
  },
  { additionalProperties: false, description: 'PagerDuty Events API v2.' },
);

/** PagerDuty has no "warning" of ours at the same word: its levels are critical, error, warning, info. */
const PD_SEVERITY = { critical: 'critical', warning: 'warning' } as const;

/**
 * Events API v2: `dedup_key` is the alert id, stable across restarts and re-fires, so a re-sent trigger updates
 * the same incident and the resolve closes it.
 */
export function pagerdutyPayload(n: Notification, routingKey: string) {
  if (n.kind === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.alert.id };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.kind === 'test' ? `test-${n.key}` : n.alert.id,
    payload: {
      summary: `${n.alert.summary} (${n.site})`.slice(0, 1024),
      source: n.alert.device,
      severity: n.kind === 'test' ? 'info' : PD_SEVERITY[n.alert.severity],
      timestamp: new Date(n.alert.startsAt).toISOString(),
      component: n.alert.instance,
      group: n.site,
      class: n.alert.name,
      custom_details: { labels: n.labels, alert_id: n.alert.id, value: n.alert.value },
    },
    client: 'Outpost',
  };
}

export const pagerduty = {
  type: 'pagerduty',
  configSchema: PagerDutyConfigSchema,
  create(cfg) {
    const url = cfg.url ?? PAGERDUTY_EVENTS_URL;
    return { send: (n, ctx) => sendHttp(ctx, url, { body: JSON.stringify(pagerdutyPayload(n, cfg.routing_key)) }) };
  },
} satisfies Notifier<typeof PagerDutyConfigSchema>;

import { Type } from '@sinclair/typebox';
import { facts, severityColour, title } from './format.js';
import { sendHttp } from './http.js';
import { commonFields, type Notification, type Notifier } from './types.js';

export const SlackConfigSchema = Type.Object(
  {
    type: Type.Literal('slack'),
    ...commonFields,
    // The incoming-webhook URL carries its own token, so it is a secret like a password.
    url: Type.String({ pattern: '^https?://', description: 'Slack incoming-webhook URL (https://hooks.slack.com/services/…).', 'x-secret': true }),
  },
  { additionalProperties: false, description: 'Slack incoming webhook.' },
);

/**
 * Slack's incoming-webhook payload: `text` is the notification and fallback line, `attachments[].color` gives
 * the coloured bar, and the blocks carry the summary and the facts (mrkdwn).
 */
export function slackPayload(n: Notification) {
  return {
    text: `${title(n)}: ${n.alert.summary}`,
    attachments: [
      {
        color: severityColour(n),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${title(n)}*\n${n.alert.summary}` } },
          { type: 'section', fields: facts(n).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` })) },
        ],
      },
    ],
  };
}

export const slack = {
  type: 'slack',
  configSchema: SlackConfigSchema,
  create(cfg) {
    return { send: (n, ctx) => sendHttp(ctx, cfg.url, { body: JSON.stringify(slackPayload(n)) }) };
  },
} satisfies Notifier<typeof SlackConfigSchema>;

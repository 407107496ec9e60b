import { Type } from '@sinclair/typebox';
import { facts, title } from './format.js';
import { sendHttp } from './http.js';
import { commonFields, type Notification, type Notifier } from './types.js';

export const TeamsConfigSchema = Type.Object(
  {
    type: Type.Literal('teams'),
    ...commonFields,
    url: Type.String({ pattern: '^https?://', description: 'Teams incoming-webhook / Workflows "when a webhook request is received" URL.', 'x-secret': true }),
  },
  { additionalProperties: false, description: 'Microsoft Teams incoming webhook (Adaptive Card).' },
);

/**
 * An Adaptive Card wrapped in a `message`, the shape both the Workflows webhook and the older connectors
 * accept (MessageCard connectors are retired).
 */
export function teamsPayload(n: Notification) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: title(n), color: n.kind === 'resolved' ? 'Good' : n.alert.severity === 'critical' ? 'Attention' : 'Warning' },
            { type: 'TextBlock', wrap: true, text: n.alert.summary },
            { type: 'FactSet', facts: facts(n).map(([title, value]) => ({ title, value })) },
          ],
        },
      },
    ],
  };
}

export const teams = {
  type: 'teams',
  configSchema: TeamsConfigSchema,
  create(cfg) {
    return { send: (n, ctx) => sendHttp(ctx, cfg.url, { body: JSON.stringify(teamsPayload(n)) }) };
  },
} satisfies Notifier<typeof TeamsConfigSchema>;

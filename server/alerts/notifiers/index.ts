import { Type, type Static } from '@sinclair/typebox';
import { alertmanager } from './alertmanager.js';
import { email } from './email.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import { webhook } from './webhook.js';

/**
 * The one place that lists the notifiers (STYLE.md 1). The config union is derived from this object, so adding
 * a notifier here is all it takes for the config to accept it.
 */
export const notifiers = { alertmanager, webhook, email, slack, teams, pagerduty } as const;

export type NotifierType = keyof typeof notifiers;

/** `alerts.notify`: a list of receivers, each a union member picked by `type`. */
export const NotifierConfigSchema = Type.Union(
  [alertmanager.configSchema, webhook.configSchema, email.configSchema, slack.configSchema, teams.configSchema, pagerduty.configSchema],
  { description: 'One receiver; `type` picks the notifier.' },
);
export const NotifyConfigSchema = Type.Array(NotifierConfigSchema, {
  description: 'Where alerts go. Every receiver has its own durable queue, so one that is down delays no other.',
});

export type NotifierConfig = Static<typeof NotifierConfigSchema>;
export type NotifyConfig = Static<typeof NotifyConfigSchema>;

// Compile-time check that the union above lists every registered notifier and nothing else.
type RegistryTypes = (typeof notifiers)[NotifierType]['configSchema']['properties']['type']['const'];
const _exhaustive: [RegistryTypes] extends [NotifierConfig['type']] ? ([NotifierConfig['type']] extends [RegistryTypes] ? true : never) : never = true;
void _exhaustive;

/** `${type}-${index}` unless named: the receiver's identity in the outbox and the stats. */
export function receiverName(cfg: NotifierConfig, index: number): string {
  return cfg.name ?? `${cfg.type}-${index}`;
}

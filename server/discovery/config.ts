import { Type, type Static } from '@sinclair/typebox';
import { Duration, parseDuration } from '../config/duration.js';
import { parseCidr } from './targets.js';

/**
 * `discovery:` in the config. Discovery only ever proposes: nothing it finds is added to the config until a
 * tech pastes the snippet, because an MSP's config is the contract of what is monitored and billed.
 */
export const DiscoveryConfigSchema = Type.Object(
  {
    subnets: Type.Array(Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$', description: 'IPv4 CIDR, e.g. 192.168.1.0/24.' }), {
      minItems: 1,
      description: 'Subnets to sweep (IPv4 CIDR, each /22 or smaller: a bigger sweep from a site box is a scan, not an inventory). Nothing outside them is ever probed.',
    }),
    every: Duration('How often a scheduled sweep runs.', '24h'),
    rate: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Packets per second, at most (fping -i): sweeps must not trip IDS alarms or flood small links.' }),
    credentials: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), { description: 'Names from `credentials:` to try on each host that answers, in order. Default: all of them.' }),
    ),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 161, description: 'SNMP UDP port to try (161 unless agents are moved).' }),
    snmp_timeout: Duration('SNMP timeout per credential and host: short, since most hosts on a LAN have no agent.', '1500ms'),
  },
  { additionalProperties: false },
);
export type DiscoveryConfig = Static<typeof DiscoveryConfigSchema>;

/**
 * Checks Ajv cannot express: real CIDR numbers, the /22 limit, credential names that exist. Returns
 * `{ path, message }` for load.ts to report like every other config issue.
 */
export function discoveryConfigErrors(d: DiscoveryConfig, credentialNames: readonly string[]): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  d.subnets.forEach((s, i) => {
    try {
      parseCidr(s);
    } catch (err) {
      issues.push({ path: `discovery.subnets[${i}]`, message: (err as Error).message });
    }
  });
  // A sweep every few seconds is a flood, whatever the rate limit says.
  if (parseDuration(d.every) < 600_000) issues.push({ path: 'discovery.every', message: 'must be at least 10m' });
  (d.credentials ?? []).forEach((c, i) => {
    if (!credentialNames.includes(c)) issues.push({ path: `discovery.credentials[${i}]`, message: `no credential named ${JSON.stringify(c)} under credentials:` });
  });
  return issues;
}

import { Type, type Static } from '@sinclair/typebox';
import type { SnmpCredential } from '../../probes/snmp/credentials.js';

/**
 * `traps:` in the site config. The block's presence is the opt-in: a site without it opens no UDP port, and
 * `enabled: false` keeps the settings while turning the listener off. Communities default to the site's own
 * v1/v2c credentials because a site normally configures its devices with one community for both polling and
 * traps; v3 users always come from the site's `credentials:` (keys belong there, not in a second place).
 */
export const TrapConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Listen for SNMP traps (v1, v2c, v3) and feed them to alerts and the dashboard.' }),
    port: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 162,
      description: 'UDP port. 162 is the standard; below 1024 the service needs CAP_NET_BIND_SERVICE.',
    }),
    address: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address to bind (0.0.0.0 = every IPv4 interface, :: = IPv6 too).' }),
    communities: Type.Optional(
      Type.Array(Type.String({ minLength: 1, 'x-secret': true }), {
        description: 'Accepted v1/v2c communities. Default: the communities of the site\'s v1/v2c credentials. v3 traps are checked against the site\'s v3 credentials.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TrapConfig = Static<typeof TrapConfigSchema>;

/** The accepted communities: explicit ones, else every v1/v2c credential's community (deduplicated). */
export function trapCommunities(config: TrapConfig, credentials: Record<string, SnmpCredential> | undefined): string[] {
  if (config.communities) return [...new Set(config.communities)];
  const out = new Set<string>();
  for (const c of Object.values(credentials ?? {})) if (c.version !== '3') out.add(c.community);
  return [...out];
}

/** The site's v3 credentials, by USM user name. A later credential with the same user wins (USM keys by name). */
export function trapUsers(credentials: Record<string, SnmpCredential> | undefined): Map<string, Extract<SnmpCredential, { version: '3' }>> {
  const out = new Map<string, Extract<SnmpCredential, { version: '3' }>>();
  for (const c of Object.values(credentials ?? {})) if (c.version === '3') out.set(c.user, c);
  return out;
}

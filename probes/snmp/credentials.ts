import { Type, type Static } from '@sinclair/typebox';

/**
 * SNMP credentials live apart from devices (STYLE.md 8): devices name a credential, so rotating a community
 * is one edit and no device entry ever carries a secret. Secret fields are marked `x-secret` so the config
 * redactor can blank them wherever config is shown.
 */
const Secret = (description: string) => Type.String({ minLength: 1, description, 'x-secret': true });

export const SnmpV1V2Credential = Type.Object(
  {
    version: Type.Union([Type.Literal('1'), Type.Literal('2c')], { description: 'SNMP version: "1" or "2c".' }),
    community: Secret('Community string (use ${ENV} interpolation to keep it out of the file).'),
  },
  { additionalProperties: false },
);

export const AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
/** What net-snmp implements: DES, AES-128 (RFC 3826) and the two AES-256 key-extension variants (Blumenthal, Reeder). */
export const PRIV_PROTOCOLS = ['des', 'aes', 'aes128', 'aes256b', 'aes256r'] as const;

export const SnmpV3Credential = Type.Object(
  {
    version: Type.Literal('3'),
    user: Type.String({ minLength: 1, description: 'USM user name.' }),
    auth: Type.Optional(
      Type.Object(
        {
          protocol: Type.Union(AUTH_PROTOCOLS.map((p) => Type.Literal(p))),
          key: Secret('Authentication passphrase (at least 8 characters per RFC 3414).'),
        },
        { additionalProperties: false },
      ),
    ),
    priv: Type.Optional(
      Type.Object(
        {
          protocol: Type.Union(PRIV_PROTOCOLS.map((p) => Type.Literal(p))),
          key: Secret('Privacy passphrase.'),
        },
        { additionalProperties: false },
      ),
    ),
    context: Type.Optional(Type.String({ description: 'SNMPv3 context name (some agents select a virtual device with it).' })),
  },
  { additionalProperties: false },
);

export const SnmpCredential = Type.Union([SnmpV1V2Credential, SnmpV3Credential]);
export type SnmpCredential = Static<typeof SnmpCredential>;

/** Normalise YAML's habit of reading `version: 2` as a number before validation. */
export function normaliseVersion(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'version' in raw) {
    const v = (raw as { version: unknown }).version;
    if (typeof v === 'number') return { ...raw, version: v === 2 ? '2c' : String(v) };
  }
  return raw;
}

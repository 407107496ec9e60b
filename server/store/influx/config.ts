import { Type, type Static } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import { Duration, parseDuration } from '../../config/duration.js';

const Secret = (description: string) => Type.String({ minLength: 1, description, 'x-secret': true });

/** Durations as everywhere in the config (server/config/duration.ts): `10s`, `500ms`; a bare number is seconds. */
const SinkDuration = (description: string, dflt: string) => Duration(description, dflt);

/**
 * One entry of `storage.influxdb[]`. Both API generations are one object keyed by `version`, as the config
 * file shows them, rather than a union: a union would make Ajv report every branch's errors for one typo.
 * The per-version required keys are checked by sinkConfigErrors(), which names the missing key.
 */
export const InfluxSinkConfig = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'Base URL of the InfluxDB server, e.g. http://127.0.0.1:8086 (a path prefix is kept).' }),
    version: Type.Union([Type.Literal(1), Type.Literal(2)], {
      default: 1,
      description: '1 = InfluxDB 1.x `/write` (database, retention_policy, username/password); 2 = InfluxDB 2.x or Cloud `/api/v2/write` (org, bucket, token).',
    }),
    database: Type.Optional(Type.String({ minLength: 1, description: 'Version 1: database to write to (must exist; Outpost never creates it).' })),
    retention_policy: Type.Optional(Type.String({ minLength: 1, description: 'Version 1: retention policy; the database default when absent.' })),
    username: Type.Optional(Type.String({ minLength: 1, description: 'Version 1: user, sent as HTTP Basic auth (never in the URL, so it stays out of proxy logs).' })),
    password: Type.Optional(Secret('Version 1: password of `username`.')),
    org: Type.Optional(Type.String({ minLength: 1, description: 'Version 2: organisation name or id.' })),
    bucket: Type.Optional(Type.String({ minLength: 1, description: 'Version 2: bucket name.' })),
    token: Type.Optional(Secret('Version 2: API token with write permission on the bucket.')),
    batch_size: Type.Integer({ minimum: 1, maximum: 100_000, default: 5000, description: 'Points per write request; a full batch is sent at once instead of waiting for flush_interval.' }),
    flush_interval: SinkDuration('How often queued points are sent.', '10s'),
    budget_mb: Type.Number({ exclusiveMinimum: 0, default: 256, description: 'Disk budget of this sink\'s outbox. Past it the oldest queued points are dropped and counted (`dropped_points`).' }),
    timeout: SinkDuration('Deadline of one write request.', '10s'),
  },
  { additionalProperties: false, description: 'An InfluxDB sink. Each sink has its own durable outbox, so one slow or unreachable server never delays another.' },
);
export type InfluxSinkConfig = Static<typeof InfluxSinkConfig>;

type Defaulted = 'version' | 'batch_size' | 'flush_interval' | 'budget_mb' | 'timeout';
/** A sink config as written, before Ajv (or resolveSinkConfig) fills in the defaults. */
export type InfluxSinkInput = Omit<InfluxSinkConfig, Defaulted> & Partial<Pick<InfluxSinkConfig, Defaulted>>;

/** "10s" → 10000; a bare number is seconds, as in every other config duration. Throws on anything else. */
export function durationMs(v: string | number): number {
  return parseDuration(v);
}

/** Why a sink config cannot work, one message per bad key (`path: reason`), empty when it is fine. */
export function sinkConfigErrors(cfg: Partial<InfluxSinkInput>): string[] {
  const errors: string[] = [];
  if (!cfg.url || !/^https?:\/\//.test(cfg.url)) errors.push('url: must be an http:// or https:// URL');
  const version = cfg.version ?? 1;
  if (version === 1) {
    if (!cfg.database) errors.push('database: required for version 1');
    for (const k of ['org', 'bucket', 'token'] as const) if (cfg[k] !== undefined) errors.push(`${k}: only for version 2`);
    if (cfg.password !== undefined && cfg.username === undefined) errors.push('password: needs username');
  } else if (version === 2) {
    for (const k of ['org', 'bucket', 'token'] as const) if (!cfg[k]) errors.push(`${k}: required for version 2`);
    for (const k of ['database', 'retention_policy', 'username', 'password'] as const)
      if (cfg[k] !== undefined) errors.push(`${k}: only for version 1`);
  } else errors.push('version: must be 1 or 2');
  for (const k of ['flush_interval', 'timeout'] as const) {
    const v = cfg[k];
    if (v !== undefined) {
      try {
        if (!(durationMs(v) > 0)) errors.push(`${k}: must be positive`);
      } catch {
        errors.push(`${k}: not a duration such as 10s`);
      }
    }
  }
  if (cfg.batch_size !== undefined && !(Number.isInteger(cfg.batch_size) && cfg.batch_size >= 1)) errors.push('batch_size: must be a positive integer');
  if (cfg.budget_mb !== undefined && !(cfg.budget_mb > 0)) errors.push('budget_mb: must be positive');
  return errors;
}

/** A sink config with defaults applied and durations in milliseconds: what the sink actually runs on. */
export interface ResolvedSinkConfig {
  url: string;
  version: 1 | 2;
  database?: string;
  retentionPolicy?: string;
  username?: string;
  password?: string;
  org?: string;
  bucket?: string;
  token?: string;
  batchSize: number;
  flushIntervalMs: number;
  budgetBytes: number;
  timeoutMs: number;
  /** Stable identity of the destination: names the outbox file and the `sink` tag of its stats. */
  name: string;
}

export function resolveSinkConfig(cfg: InfluxSinkInput): ResolvedSinkConfig {
  const errors = sinkConfigErrors(cfg);
  if (errors.length) throw new Error(`invalid InfluxDB sink ${cfg.url}: ${errors.join('; ')}`);
  const out: ResolvedSinkConfig = {
    url: cfg.url.replace(/\/+$/, ''),
    version: cfg.version ?? 1,
    batchSize: cfg.batch_size ?? 5000,
    flushIntervalMs: durationMs(cfg.flush_interval ?? '10s'),
    budgetBytes: Math.floor((cfg.budget_mb ?? 256) * 1024 * 1024),
    timeoutMs: durationMs(cfg.timeout ?? '10s'),
    name: '',
  };
  if (cfg.database !== undefined) out.database = cfg.database;
  if (cfg.retention_policy !== undefined) out.retentionPolicy = cfg.retention_policy;
  if (cfg.username !== undefined) out.username = cfg.username;
  if (cfg.password !== undefined) out.password = cfg.password;
  if (cfg.org !== undefined) out.org = cfg.org;
  if (cfg.bucket !== undefined) out.bucket = cfg.bucket;
  if (cfg.token !== undefined) out.token = cfg.token;
  out.name = sinkName(out);
  return out;
}

/**
 * Readable and stable across restarts and credential changes (a rotated token must find its queued points),
 * but different for two destinations on one server: host, then database[/rp] or org/bucket.
 */
export function sinkName(cfg: Pick<ResolvedSinkConfig, 'url' | 'version' | 'database' | 'retentionPolicy' | 'org' | 'bucket'>): string {
  const u = new URL(cfg.url);
  const path = u.pathname.replace(/^\/+|\/+$/g, '');
  const where = cfg.version === 1 ? [cfg.database, cfg.retentionPolicy] : [cfg.org, cfg.bucket];
  return [u.host + (path ? `/${path}` : ''), ...where.filter((x) => x !== undefined)].join('/');
}

/** File name of a sink's outbox: the readable name made file-safe, plus a hash so two names never collide. */
export function outboxFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `influx-${safe}-${hash}.db`;
}

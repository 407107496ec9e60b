import { Type, type Static } from '@sinclair/typebox';
import { SnmpCredential } from '../../probes/snmp/credentials.js';
import { probeDeviceKeys } from '../../probes/index.js';
import { DEVICE_CLASSES } from '../../probes/types.js';
import { Duration } from './duration.js';
import { InfluxSinkConfig } from '../store/influx/config.js';
import { AlertEngineConfigSchema } from '../alerts/schema.js';
import { NotifyConfigSchema, HeartbeatConfigSchema } from '../alerts/delivery.js';
import { TrapConfigSchema } from '../traps/config.js';
import { DiscoveryConfigSchema } from '../discovery/config.js';
import { ReportsConfigSchema } from '../reports/config.js';

/**
 * The config file's schema: the single source of its types (Static<>), its validation (Ajv, unknown keys
 * rejected everywhere) and its reference docs (config/README.md is generated from the descriptions).
 */
const strict = { additionalProperties: false } as const;

export const SiteConfig = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'Short stable id, the `site` tag on every point (lowercase, no spaces).' }),
    name: Type.Optional(Type.String({ description: 'Human name shown in the dashboard and alerts.' })),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone of the site (recurring maintenance windows, reports), e.g. Europe/London. Default UTC.' })),
  },
  strict,
);

export const ServerConfig = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, description: 'HTTP(S) port of the dashboard and API.' }),
    host: Type.String({ default: '0.0.0.0', description: 'Address to listen on (0.0.0.0 = every interface of the box).' }),
    tls: Type.Optional(
      Type.Object(
        {
          cert: Type.String({ description: 'PEM certificate path.' }),
          key: Type.String({ description: 'PEM private key path.' }),
          redirect_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Plain-HTTP port that only redirects to HTTPS.' })),
        },
        strict,
      ),
    ),
    session_idle: Duration('Session idle timeout.', '8h'),
    session_max: Duration('Absolute session lifetime.', '7d'),
  },
  strict,
);

export const RetentionConfig = Type.Object(
  {
    raw: Duration('How long raw points are kept; at least 1h, since open roll-up buckets are rebuilt from them after a crash.', '7d'),
    five_min: Duration('How long 5-minute roll-ups are kept.', '90d'),
    hourly: Duration('How long hourly roll-ups are kept.', '730d'),
  },
  strict,
);

export const EmbeddedConfig = Type.Object(
  {
    path: Type.String({ default: 'data', description: 'Folder of the embedded SQLite store (OUTPOST_DATA_DIR overrides).' }),
    retention: Type.Optional(RetentionConfig),
    flush_every: Duration('Points are written in batches (SD cards wear out with one write per point).', '5s'),
  },
  strict,
);

export const DefaultsConfig = Type.Object(
  {
    interval: Duration('Poll interval per device.', '60s'),
    timeout: Duration('Per-request SNMP timeout.', '5s'),
    retries: Type.Integer({ minimum: 0, maximum: 5, default: 1, description: 'SNMP retries per request.' }),
    max_repetitions: Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'GETBULK max-repetitions.' }),
    ping: Type.Object(
      {
        count: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Echo requests per cycle.' }),
        interval: Duration('Ping cycle interval.', '60s'),
      },
      { ...strict, default: {} },
    ),
    stale_after: Type.Integer({ minimum: 2, maximum: 100, default: 3, description: 'Intervals without a successful poll before data is stale.' }),
    concurrency: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, maximum: 256 })], {
      default: 'auto',
      description:
        'Devices polled at the same time. `auto`: enough for every device to be polled in half its interval at 1 s a poll, 16–128 (1,000 devices at 60 s → 34). Devices whose last poll got no answer are polled in a separate lane of a quarter as many slots (at least 2), without retries, so they never delay devices that answer.',
    }),
  },
  strict,
);

export const DeviceConfig = Type.Object(
  {
    name: Type.String({ pattern: '^[^\\s/]+$', maxLength: 128, description: 'Unique name (the `device` tag); no spaces or slashes.' }),
    host: Type.String({ minLength: 1, maxLength: 253, description: 'IP address or DNS name.' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'SNMP UDP port (default 161).' })),
    parent: Type.Optional(Type.String({ description: 'Device this one sits behind (its alerts are suppressed while the parent is down).' })),
    class: Type.Optional(Type.Union(DEVICE_CLASSES.map((c) => Type.Literal(c)), { description: 'Override the detected class.' })),
    interval: Type.Optional(Duration('Poll interval for this device.')),
    timeout: Type.Optional(Duration('SNMP timeout for this device.')),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    ...probeDeviceKeys,
  },
  strict,
);

export const OutpostConfig = Type.Object(
  {
    site: SiteConfig,
    server: Type.Optional(ServerConfig),
    storage: Type.Optional(
      Type.Object(
        {
          embedded: Type.Optional(EmbeddedConfig),
          influxdb: Type.Optional(Type.Array(InfluxSinkConfig, { description: 'InfluxDB sinks (local and/or central), each with its own durable outbox.' })),
        },
        strict,
      ),
    ),
    credentials: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), SnmpCredential, { description: 'SNMP credentials by name.' })),
    defaults: Type.Optional(DefaultsConfig),
    devices: Type.Array(DeviceConfig, { default: [] }),
    alerts: Type.Optional(
      Type.Object(
        {
          ...AlertEngineConfigSchema.properties,
          notify: Type.Optional(NotifyConfigSchema),
          heartbeat: Type.Optional(HeartbeatConfigSchema),
        },
        { additionalProperties: false, description: 'Rule overrides, maintenance windows, flap damping, receivers and the heartbeat.' },
      ),
    ),
    traps: Type.Optional(TrapConfigSchema),
    discovery: Type.Optional(DiscoveryConfigSchema),
    reports: Type.Optional(ReportsConfigSchema),
  },
  strict,
);

export type OutpostConfig = Static<typeof OutpostConfig>;
export type DeviceConfig = Static<typeof DeviceConfig>;

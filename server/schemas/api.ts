import { Type, type Static } from '@sinclair/typebox';

/**
 * Request and response schemas of the REST API: the single source of the server's validation, the OpenAPI
 * document and the UI's types (the UI imports these with `import type`).
 */
export const ErrorReply = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

export const FieldValue = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);

export const Identity = Type.Object(
  {
    class: Type.Optional(Type.String()),
    vendor: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    os: Type.Optional(Type.String()),
    version: Type.Optional(Type.String()),
    serial: Type.Optional(Type.String()),
    sysName: Type.Optional(Type.String()),
    sysDescr: Type.Optional(Type.String()),
    sysObjectID: Type.Optional(Type.String()),
    sysLocation: Type.Optional(Type.String()),
    sysContact: Type.Optional(Type.String()),
    profile: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ProbeStatus = Type.Object({
  lastOk: Type.Optional(Type.Number()),
  lastAttempt: Type.Optional(Type.Number()),
  lastError: Type.Optional(Type.String()),
  stale: Type.Boolean(),
});

export const DeviceState = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('stale'), Type.Literal('unknown')]);

export const DeviceSummary = Type.Object({
  name: Type.String(),
  host: Type.String(),
  class: Type.String(),
  parent: Type.Optional(Type.String()),
  state: DeviceState,
  vendor: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  lastOk: Type.Union([Type.Number(), Type.Null()]),
  lastPoll: Type.Union([Type.Number(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
});
export type DeviceSummary = Static<typeof DeviceSummary>;

export const LatestValue = Type.Object({
  measurement: Type.String(),
  tags: Type.Record(Type.String(), Type.String()),
  fields: Type.Record(Type.String(), FieldValue),
  time: Type.Number(),
});

export const DeviceDetail = Type.Composite([
  DeviceSummary,
  Type.Object({
    identity: Identity,
    firstSeen: Type.Union([Type.Number(), Type.Null()]),
    probes: Type.Record(Type.String(), ProbeStatus),
    latest: Type.Array(LatestValue),
  }),
]);
export type DeviceDetail = Static<typeof DeviceDetail>;

export const SeriesQuery = Type.Object(
  {
    measurement: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+$' }),
    field: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_]+$' }),
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch; default one hour ago' })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since epoch; default now' })),
    tag: Type.Optional(Type.String({ maxLength: 256, pattern: '^[A-Za-z0-9_]+=.*$', description: 'Filter one tag, e.g. ifName=ge-0/0/1' })),
  },
  { additionalProperties: false },
);

export const SeriesReply = Type.Object({
  device: Type.String(),
  measurement: Type.String(),
  field: Type.String(),
  from: Type.Number(),
  to: Type.Number(),
  resolution: Type.Union([Type.Literal('raw'), Type.Literal('5m'), Type.Literal('1h')]),
  series: Type.Array(Type.Object({ tags: Type.Record(Type.String(), Type.String()), points: Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()])) })),
});
export type SeriesReply = Static<typeof SeriesReply>;

export const HealthReply = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  site: Type.String(),
  uptime_s: Type.Number(),
  devices: Type.Object({ total: Type.Integer(), up: Type.Integer(), down: Type.Integer(), stale: Type.Integer(), unknown: Type.Integer() }),
  /**
   * Devices whose last SNMP poll got no answer, now polled in the unreachable lane (no retries, fewer slots). Not a
   * share of `devices` (a device can be `up` by ping and still here): it tells how much of the box waits on timeouts.
   */
  devices_unreachable: Type.Integer({ minimum: 0 }),
  config: Type.Object({ path: Type.Union([Type.String(), Type.Null()]), lastReloadOk: Type.Boolean(), lastReloadAt: Type.Number(), lastReloadError: Type.Optional(Type.String()) }),
  setupRequired: Type.Boolean(),
  sinks: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  /** Present when `alerts.heartbeat` is configured: the last beat to central and its outcome. */
  heartbeat: Type.Optional(
    Type.Object({ lastAt: Type.Optional(Type.Number()), lastOk: Type.Optional(Type.Boolean()), lastError: Type.Optional(Type.String()), sent: Type.Integer(), failed: Type.Integer() }),
  ),
  /** Notification receivers: pending deliveries, failures, last error. */
  receivers: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});
export type HealthReply = Static<typeof HealthReply>;

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const SetupBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }),
    password: Type.String({ minLength: 10, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export const Role = Type.Union([Type.Literal('viewer'), Type.Literal('tech'), Type.Literal('admin')]);
export type Role = Static<typeof Role>;
export const WhoAmI = Type.Object({ username: Type.String(), role: Role });

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { parseSmartctl, reportFromJson, smartProbe } from '../../probes/smart/index.js';
import type { DeviceClass, Point } from '../../probes/types.js';
import { parseDuration } from '../config/duration.js';
import type { Runtime } from '../runtime.js';
import { ErrorReply } from '../schemas/api.js';
import { DiskStore } from '../store/disks.js';

/**
 * SMART pushed by servers (POST /api/smart) and the disk inventory across every source (GET /api/disks).
 *
 * A push from a host that is not in the config is accepted and the host registered as a `server` (flagged
 * `configured: false`): an MSP rolls the cron line out to every server, and a server whose disks start failing
 * before someone writes its config entry must not be dropped on the floor. The token already proves the sender
 * is trusted (role tech), so accepting does not widen who can write.
 */

/** smartctl -x of an ATA disk with full logs is ~40 KB; 2 MB fits a 48-disk server in one push. */
export const SMART_BODY_LIMIT = 2 * 1024 * 1024;
export const MAX_DISKS = 64;
/** The cron line in docs/smart-push.md runs hourly. */
const DEFAULT_PUSH_INTERVAL_S = 3600;

/**
 * One smartctl `-j` document, checked loosely: smartctl JSON has the `smartctl` object (even an open failure)
 * and a `device` object; everything else varies by protocol and version and is the parser's job.
 */
const SmartctlDocument = Type.Object(
  {
    smartctl: Type.Optional(Type.Object({}, { additionalProperties: true })),
    device: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  {
    additionalProperties: true,
    // Some tools save smartctl's output without its `smartctl` header object (an open failure has no `device`).
    anyOf: [{ required: ['smartctl'] }, { required: ['device'] }],
    description: 'The output of `smartctl -j -x DEVICE`, unchanged: an object with a `smartctl` or `device` key.',
  },
);

export const SmartPushBody = Type.Object(
  {
    host: Type.String({
      pattern: '^[^\\s/]+$',
      minLength: 1,
      maxLength: 128,
      description: 'The server\'s device name (as in the config). An unknown name is registered as a push-only `server` device.',
    }),
    interval_s: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 7 * 86_400, description: 'How often this host pushes (default 3600); a disk not pushed for 3 intervals is missing.' }),
    ),
    disks: Type.Array(SmartctlDocument, { maxItems: MAX_DISKS }),
  },
  { additionalProperties: false },
);
export type SmartPushBody = Static<typeof SmartPushBody>;

const Verdict = Type.Union(['ok', 'info', 'warn', 'fail', 'unknown'].map((v) => Type.Literal(v)));
const ReasonSchema = Type.Object({ level: Verdict, code: Type.String(), text: Type.String() });

export const SmartPushReply = Type.Object({
  host: Type.String(),
  configured: Type.Boolean({ description: 'false: the host is not in the config and was registered from this push.' }),
  disks: Type.Array(
    Type.Object({
      key: Type.String(),
      serial: Type.Optional(Type.String()),
      model: Type.Optional(Type.String()),
      verdict: Verdict,
      reasons: Type.Array(ReasonSchema),
    }),
  ),
});

const DiskSourceSchema = Type.Object({
  device: Type.String(),
  source: Type.String(),
  ref: Type.String(),
  tag: Type.String(),
  verdict: Verdict,
  intervalMs: Type.Number(),
  firstSeen: Type.Number(),
  lastSeen: Type.Number(),
  missing: Type.Boolean(),
});

export const DiskSummary = Type.Object({
  key: Type.String(),
  serial: Type.Optional(Type.String()),
  wwn: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  protocol: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  capacityBytes: Type.Optional(Type.Number()),
  verdict: Verdict,
  reasons: Type.Array(ReasonSchema),
  firstSeen: Type.Number(),
  lastSeen: Type.Number(),
  missing: Type.Boolean(),
  sources: Type.Array(DiskSourceSchema),
});
export type DiskSummary = Static<typeof DiskSummary>;

const HistorySeries = Type.Object({
  device: Type.String(),
  measurement: Type.String(),
  field: Type.String(),
  tags: Type.Record(Type.String(), Type.String()),
  points: Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()])),
});

export const DiskDetail = Type.Composite([
  DiskSummary,
  Type.Object({ from: Type.Number(), to: Type.Number(), history: Type.Array(HistorySeries) }),
]);

const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false });
const HistoryQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since the epoch; default 30 days before `to`' })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** The `disk` fields worth a chart; attribute history is every `smart_attr` raw and normalised value. */
const DISK_FIELDS = ['temp_c', 'reallocated', 'pending', 'uncorrectable', 'media_errors', 'percentage_used', 'power_on_hours'];
const ATTR_FIELDS = ['raw', 'value'];

/** Why a body was refused, in words a tech running the cron script can act on. */
function bodyErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    return reply.code(413).send({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `body is over the ${SMART_BODY_LIMIT / 1024 / 1024} MB limit of /api/smart: push fewer disks per request (smart-push.sh SMART_PUSH_BATCH)`,
    });
  }
  if (err.validation || (err.statusCode === 400 && err.code?.startsWith('FST_ERR_CTP'))) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `not a SMART push (${err.message}); expected { host, disks: [ <smartctl -j -x output>… ] }` });
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return reply.code(err.statusCode).send({ statusCode: err.statusCode, error: err.name, message: err.message });
  }
  req.log.error({ err }, 'SMART push failed');
  return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'internal error (see the service log)' });
}

export async function smartRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const rt = app.outpost;
  const disks = rt.disks;

  // Disks seen by polls (a NAS's SNMP table, the box's own smartctl) join the same inventory; a disk is
  // missing after 3 of its source's intervals, so each sighting records the interval it is expected at.
  rt.onPoll((s) => {
    if (s.probe !== 'snmp' && s.probe !== 'smart') return;
    if (!s.points.some((p) => p.measurement === 'disk')) return;
    const dev = rt.config.devices.find((d) => d.name === s.device);
    const intervalMs = s.probe === 'smart' ? smartProbe.defaultIntervalMs : parseDuration(dev?.interval ?? rt.config.defaults?.interval ?? '60s');
    disks.observePoints(s.device, s.points, intervalMs, s.time);
  });

  app.post(
    '/api/smart',
    {
      bodyLimit: SMART_BODY_LIMIT,
      config: { role: 'tech' },
      errorHandler: bodyErrorHandler,
      schema: {
        tags: ['smart'],
        summary: 'Push smartctl JSON from a server (scripts/smart-push.sh)',
        body: SmartPushBody,
        response: { 200: SmartPushReply, 400: ErrorReply, 413: ErrorReply },
      },
    },
    async (req) => {
      const now = Date.now();
      const { host } = req.body;
      const site = rt.config.site.id;
      const configuredDev = rt.config.devices.find((d) => d.name === host);
      const configured = configuredDev !== undefined;
      disks.notePushHost(host, configured, now);
      if (!configured) {
        // Listed by GET /api/devices as a server; the runtime keeps it across reloads (see the closing note).
        const isNew = !rt.store.device(host);
        if (isNew) rt.store.syncDevices([{ name: host, host: req.ip }]);
        rt.store.setDeviceState(host, { class: 'server', lastOk: now });
        // Flushed at once the first time, so the device list shows the new server before the next flush tick.
        if (isNew) rt.flush();
      }
      const intervalMs = (req.body.interval_s ?? DEFAULT_PUSH_INTERVAL_S) * 1000;
      const points: Point[] = [];
      const out: Static<typeof SmartPushReply>['disks'] = [];
      for (const json of req.body.disks) {
        const disk = parseSmartctl(json);
        // The probe's key (serial, WWN or path) is what this host calls the disk. It is not unique (two MegaRAID
        // members with a redacted serial), so the source row is keyed by the global disk key.
        const path = reportFromJson(json).device.key;
        const key = disks.resolve(host, 'push', { serial: disk?.serial, wwn: disk?.wwn, model: disk?.model, ref: path }, now);
        const report = reportFromJson(json, disks.previous(key), { source: 'push' });
        disks.recordReport(key, host, 'push', key, report, intervalMs, now);
        for (const p of report.points) points.push({ ...p, tags: { ...p.tags, disk: key, site, device: host }, time: now });
        out.push({
          key,
          ...(report.device.serial ? { serial: report.device.serial } : {}),
          ...(report.device.model ? { model: report.device.model } : {}),
          verdict: report.verdict,
          reasons: report.reasons.map((r) => ({ level: r.level, code: r.code, text: r.text })),
        });
      }
      // The same path as a poll result: embedded store, InfluxDB sinks, alert engine, SSE.
      rt.ingest(
        {
          device: host,
          host: configuredDev?.host ?? req.ip,
          // A configured device keeps the class its polls found (a NAS can push too); alert labels use it.
          class: (rt.store.device(host)?.class as DeviceClass | undefined) ?? 'server',
          probe: 'smart',
          ok: true,
          points,
          time: now,
          durationMs: 0,
        },
        { polled: false },
      );
      req.log.info({ host, configured, disks: out.length, worst: out.map((d) => d.verdict) }, 'SMART push');
      return { host, configured, disks: out };
    },
  );

  app.get('/api/disks', { schema: { tags: ['smart'], summary: 'Every known disk across sources', response: { 200: Type.Array(DiskSummary) } } }, async () =>
    disks.list(),
  );

  app.get(
    '/api/disks/:key',
    { schema: { tags: ['smart'], summary: 'One disk with its attribute history', params: KeyParams, querystring: HistoryQuery, response: { 200: DiskDetail, 400: ErrorReply, 404: ErrorReply } } },
    async (req, reply) => {
      const now = Date.now();
      const d = disks.get(req.params.key, now);
      if (!d) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no disk ${req.params.key}` });
      const to = req.query.to ?? now;
      const from = req.query.from ?? to - 30 * 86_400_000;
      if (from >= to) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: '`from` must be before `to`' });
      const history: Static<typeof HistorySeries>[] = [];
      for (const s of d.sources) {
        for (const [measurement, fields] of [['disk', DISK_FIELDS], ['smart_attr', ATTR_FIELDS]] as const) {
          for (const field of fields) {
            const res = rt.store.series({ device: s.device, measurement, field, from, to, tags: { disk: s.tag } }, now);
            for (const ser of res.series) if (ser.points.length) history.push({ device: s.device, measurement, field, tags: ser.tags, points: ser.points });
          }
        }
      }
      return { ...d, from, to, history };
    },
  );
}

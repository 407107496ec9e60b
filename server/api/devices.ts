import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DeviceSummary, DeviceDetail, SeriesQuery, SeriesReply, ErrorReply, type DeviceSummary as DeviceSummaryT } from '../schemas/api.js';
import type { DeviceRow } from '../store/embedded.js';
import { stateCache } from './state-cache.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

export async function deviceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const parents = () => new Map(app.outpost.config.devices.map((d) => [d.name, d.parent]));
  const summary = (r: DeviceRow, parent?: string): DeviceSummaryT => ({
    name: r.name,
    host: r.host,
    class: r.class,
    ...(parent ? { parent } : {}),
    // The scheduler's view is live; the table's may trail it by one flush.
    state: app.outpost.scheduler.deviceState(r.name) ?? r.state,
    ...(r.identity.vendor ? { vendor: r.identity.vendor } : {}),
    ...(r.identity.model ? { model: r.identity.model } : {}),
    ...(r.identity.version ? { version: r.identity.version } : {}),
    lastOk: r.lastOk,
    lastPoll: r.lastPoll,
    lastError: r.lastError,
  });

  /**
   * The list every dashboard reads (the overview and the devices page, one request per open tab), cached as the
   * bytes sent: with 1,000 devices (~200 kB) the per-request JSON encoding, its UTF-8 length and the
   * string-to-socket copy cost more than reading the rows. `summary()` emits exactly the schema's properties,
   * so JSON.stringify gives what the response serializer would.
   */
  const listBody = stateCache(fastify, () => {
    const p = parents();
    return Buffer.from(JSON.stringify(app.outpost.store.devices().map((r) => summary(r, p.get(r.name)))));
  });

  // Registered on the untyped instance: the reply is the pre-encoded body, the schema stays for the docs.
  fastify.get('/api/devices', { schema: { tags: ['devices'], response: { 200: Type.Array(DeviceSummary) } } }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(listBody()),
  );

  app.get(
    '/api/devices/:name',
    { schema: { tags: ['devices'], params: NameParams, response: { 200: DeviceDetail, 404: ErrorReply } } },
    async (req, reply) => {
      const r = app.outpost.store.device(req.params.name);
      if (!r) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no device named ${req.params.name}` });
      const rt = app.outpost.scheduler.runtimeInfo(r.name);
      const identity = Object.fromEntries(Object.entries(r.identity).filter(([, v]) => typeof v === 'string'));
      return {
        ...summary(r, parents().get(r.name)),
        identity,
        firstSeen: r.firstSeen,
        probes: rt?.probes ?? {},
        latest: app.outpost.store.latest(r.name),
      };
    },
  );

  app.get(
    '/api/devices/:name/series',
    { schema: { tags: ['devices'], params: NameParams, querystring: SeriesQuery, response: { 200: SeriesReply, 400: ErrorReply, 404: ErrorReply } } },
    async (req, reply) => {
      const { name } = req.params;
      if (!app.outpost.store.device(name)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no device named ${name}` });
      const now = Date.now();
      const to = req.query.to ?? now;
      const from = req.query.from ?? to - 3_600_000;
      if (from >= to) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: '`from` must be before `to`' });
      let tags: Record<string, string> | undefined;
      if (req.query.tag) {
        const eq = req.query.tag.indexOf('=');
        tags = { [req.query.tag.slice(0, eq)]: req.query.tag.slice(eq + 1) };
      }
      const res = app.outpost.store.series({ device: name, measurement: req.query.measurement, field: req.query.field, from, to, tags }, now);
      return { device: name, measurement: req.query.measurement, field: req.query.field, from, to, ...res };
    },
  );
}

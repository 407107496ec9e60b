import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AlertSchema, AlertEventSchema, EffectiveRuleSchema } from '../alerts/schema.js';
import { ErrorReply } from '../schemas/api.js';
import { auditRequest } from '../auth/audit.js';
import { DeliverySchema, DeliveryStateSchema, ReceiverStatsSchema } from '../alerts/notify-outbox.js';
import type { DeviceClass } from '../../probes/types.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });

export async function alertRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/alerts', { schema: { tags: ['alerts'], response: { 200: Type.Array(AlertSchema) } } }, async () => app.outpost.alerts.active());

  app.get(
    '/api/alerts/history',
    {
      schema: {
        tags: ['alerts'],
        querystring: Type.Object(
          {
            device: Type.Optional(Type.String({ maxLength: 128 })),
            since: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AlertEventSchema) },
      },
    },
    async (req) => app.outpost.alerts.history.events({ device: req.query.device, since: req.query.since, limit: req.query.limit }),
  );

  const find = (id: string) => app.outpost.alerts.active().find((a) => a.id === id);

  app.post(
    '/api/alerts/:id/ack',
    {
      config: { role: 'tech' },
      schema: {
        tags: ['alerts'],
        params: IdParams,
        body: Type.Object({ note: Type.String({ maxLength: 2000, default: '' }) }, { additionalProperties: false }),
        response: { 200: AlertSchema, 404: ErrorReply },
      },
    },
    async (req, reply) => {
      if (!find(req.params.id)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no active alert ${req.params.id}` });
      app.outpost.alerts.ack(req.params.id, req.user!.username, req.body.note);
      auditRequest(req, app.outpost.store.db, { action: 'alert.ack', target: req.params.id, detail: req.body.note }, 'alert acknowledged');
      return find(req.params.id)!;
    },
  );

  app.post(
    '/api/alerts/:id/silence',
    {
      config: { role: 'tech' },
      schema: {
        tags: ['alerts'],
        params: IdParams,
        body: Type.Object({ until: Type.Integer({ minimum: 0, description: 'ms since epoch' }) }, { additionalProperties: false }),
        response: { 200: AlertSchema, 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (req, reply) => {
      if (!find(req.params.id)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no active alert ${req.params.id}` });
      if (req.body.until <= Date.now()) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: '`until` must be in the future' });
      app.outpost.alerts.silence(req.params.id, req.body.until, req.user!.username);
      auditRequest(req, app.outpost.store.db, { action: 'alert.silence', target: req.params.id, detail: new Date(req.body.until).toISOString() }, 'alert silenced', { until: req.body.until });
      return find(req.params.id)!;
    },
  );

  app.get(
    '/api/devices/:name/rules',
    {
      schema: {
        tags: ['alerts'],
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: { 200: Type.Array(EffectiveRuleSchema), 404: ErrorReply },
      },
    },
    async (req, reply) => {
      const d = app.outpost.store.device(req.params.name);
      if (!d) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no device named ${req.params.name}` });
      return app.outpost.alerts.rulesFor(d.name, d.class as DeviceClass);
    },
  );
}

/** Notification delivery: every receiver's state and each notification's fate, plus a test send. */
export async function deliveryRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/alerts/deliveries',
    {
      schema: {
        tags: ['alerts'],
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
            state: Type.Optional(DeliveryStateSchema),
            receiver: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(DeliverySchema) },
      },
    },
    async (req) => app.outpost.notifications?.deliveries(req.query) ?? [],
  );
  app.get('/api/alerts/receivers', { schema: { tags: ['alerts'], response: { 200: Type.Array(ReceiverStatsSchema) } } }, async () => app.outpost.notifications?.stats() ?? []);
  app.post(
    '/api/alerts/receivers/:name/test',
    {
      config: { role: 'admin' },
      schema: { tags: ['alerts'], params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }), response: { 200: DeliverySchema, 404: ErrorReply } },
    },
    async (req, reply) => {
      const svc = app.outpost.notifications;
      try {
        if (!svc) throw new Error(`no receiver named "${req.params.name}"`);
        return await svc.sendTest(req.params.name);
      } catch (err) {
        const msg = (err as Error).message;
        if (/no receiver named/.test(msg)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: msg });
        throw err;
      }
    },
  );
}

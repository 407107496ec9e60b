import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DeviceClassSchema, MaintenanceEntrySchema, NewMaintenanceSchema, RuleOverrideEntrySchema, RuleOverrideSchema } from '../alerts/schema.js';
import { AlertsConfigError } from '../alerts/rules.js';
import type { DeviceClass } from '../../probes/types.js';
import { ErrorReply } from '../schemas/api.js';
import { auditRequest } from '../auth/audit.js';

/**
 * Threshold overrides and maintenance windows set from the dashboard (server/alerts/overlay.ts). Changing a
 * threshold changes who gets paged for what, so it needs an admin; a tech may put a device into maintenance
 * before unplugging it, as they may acknowledge and silence. Every change is audited.
 */
const OverrideKey = Type.Object(
  {
    rule: Type.String({ minLength: 1, maxLength: 128 }),
    device: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    class: Type.Optional(DeviceClassSchema),
  },
  { additionalProperties: false },
);

const scopeText = (o: { device?: string; class?: string }) => (o.device !== undefined ? `device ${o.device}` : o.class !== undefined ? `class ${o.class}` : 'site');

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message });
}

/** AlertsConfigError → 400 with every reason, `path: message`; anything else is a bug and rethrown. */
function problemReply(reply: FastifyReply, err: unknown) {
  if (!(err instanceof AlertsConfigError)) throw err;
  return badRequest(reply, err.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
}

export async function ruleRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const unknownDevice = (name: string | undefined) => name !== undefined && !app.outpost.store.device(name);

  app.get('/api/rules/overrides', { schema: { tags: ['alerts'], response: { 200: Type.Array(RuleOverrideEntrySchema) } } }, async () => app.outpost.alerts.overrides());

  app.put(
    '/api/rules/overrides',
    {
      config: { role: 'admin' },
      schema: { tags: ['alerts'], body: RuleOverrideSchema, response: { 200: RuleOverrideEntrySchema, 400: ErrorReply } },
    },
    async (req, reply) => {
      if (unknownDevice(req.body.device)) return badRequest(reply, `device: no device named ${req.body.device}`);
      try {
        const cls = req.body.device === undefined ? undefined : (app.outpost.store.device(req.body.device)?.class as DeviceClass | undefined);
        const entry = app.outpost.alerts.setOverride(req.body, req.user!.username, cls);
        const { rule, device: _d, class: _c, ...values } = req.body;
        auditRequest(req, app.outpost.store.db, { action: 'rule.override', target: `${rule} @ ${scopeText(req.body)}`, detail: JSON.stringify(values) }, 'rule override set from the dashboard', { rule, scope: scopeText(req.body) });
        return entry;
      } catch (err) {
        return problemReply(reply, err);
      }
    },
  );

  app.delete(
    '/api/rules/overrides',
    {
      config: { role: 'admin' },
      schema: { tags: ['alerts'], querystring: OverrideKey, response: { 204: Type.Null(), 400: ErrorReply, 404: ErrorReply } },
    },
    async (req, reply) => {
      if (req.query.device !== undefined && req.query.class !== undefined) return badRequest(reply, 'class: give a device or a class, not both');
      if (!app.outpost.alerts.deleteOverride(req.query)) {
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no dashboard override of ${req.query.rule} for ${scopeText(req.query)}` });
      }
      auditRequest(req, app.outpost.store.db, { action: 'rule.reset', target: `${req.query.rule} @ ${scopeText(req.query)}` }, 'rule override removed from the dashboard', { rule: req.query.rule, scope: scopeText(req.query) });
      return reply.code(204).send(null);
    },
  );

  app.get('/api/maintenance', { schema: { tags: ['alerts'], response: { 200: Type.Array(MaintenanceEntrySchema) } } }, async () => app.outpost.alerts.maintenance());

  app.post(
    '/api/maintenance',
    {
      config: { role: 'tech' },
      schema: { tags: ['alerts'], body: NewMaintenanceSchema, response: { 200: MaintenanceEntrySchema, 400: ErrorReply, 403: ErrorReply } },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.device !== undefined && b.class !== undefined) return badRequest(reply, 'class: give a device or a class, not both');
      if (unknownDevice(b.device)) return badRequest(reply, `device: no device named ${b.device}`);
      // Silencing every page of the site is not a tech's on-site call.
      if (b.device === undefined && b.class === undefined && req.user!.role !== 'admin') {
        return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'a site-wide window needs role admin; give a device or a class' });
      }
      try {
        const entry = app.outpost.alerts.addMaintenance(b, req.user!.username);
        const w = entry.window as { start: string; end: string };
        auditRequest(req, app.outpost.store.db, { action: 'maintenance.add', target: scopeText(b), detail: `#${entry.id} ${w.start} – ${w.end}${b.reason ? `: ${b.reason}` : ''}` }, 'maintenance window set from the dashboard', { id: entry.id, scope: scopeText(b) });
        return entry;
      } catch (err) {
        return problemReply(reply, err);
      }
    },
  );

  app.delete(
    '/api/maintenance/:id',
    {
      config: { role: 'tech' },
      schema: { tags: ['alerts'], params: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), response: { 204: Type.Null(), 404: ErrorReply } },
    },
    async (req, reply) => {
      const w = app.outpost.alerts.deleteMaintenance(req.params.id);
      if (!w) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no dashboard maintenance window ${req.params.id} (config windows are changed in the config file)` });
      auditRequest(req, app.outpost.store.db, { action: 'maintenance.delete', target: scopeText(w), detail: `#${w.id}` }, 'maintenance window removed', { id: w.id });
      return reply.code(204).send(null);
    },
  );
}

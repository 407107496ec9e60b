import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../schemas/api.js';
import { ProposalSchema, ScanResultSchema } from '../discovery/schema.js';
import { DiscoveryService, ScanBusyError, type DiscoveryServiceOptions } from '../discovery/service.js';

export interface DiscoveryRouteOptions {
  /** Run scheduled sweeps (`discovery.every`). Off for tests and CLI-only runtimes, like polling. */
  schedule?: boolean;
  /** Test seams: fping exec and SNMP session factory. */
  exec?: DiscoveryServiceOptions['exec'];
  connect?: DiscoveryServiceOptions['connect'];
}

const AddressParams = Type.Object({ address: Type.String({ pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$' }) }, { additionalProperties: false });

/**
 * Discovery: sweeps on demand (admin: it sends packets across the client's LAN) and on schedule, and the
 * proposals a tech accepts (gets the YAML to paste) or ignores. Nothing here edits the config.
 */
export async function discoveryRoutes(fastify: FastifyInstance, opts: DiscoveryRouteOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const service = new DiscoveryService({ db: app.outpost.store.db, config: () => app.outpost.config, log: app.log, exec: opts.exec, connect: opts.connect });
  if (opts.schedule) service.start();
  fastify.addHook('onClose', async () => service.stop());

  app.post(
    '/api/discovery/scan',
    { config: { role: 'admin' }, schema: { tags: ['discovery'], description: 'Sweep the configured subnets now and identify what answers.', response: { 200: ScanResultSchema, 400: ErrorReply, 409: ErrorReply } } },
    async (req, reply) => {
      try {
        const res = await service.scan();
        req.log.info({ audit: 'discovery-scan', user: req.user?.username, alive: res.alive.length }, 'discovery scan');
        return res;
      } catch (err) {
        if (err instanceof ScanBusyError) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: err.message });
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: (err as Error).message });
      }
    },
  );

  app.get(
    '/api/discovery/proposals',
    {
      schema: {
        tags: ['discovery'],
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('proposed'), Type.Literal('accepted'), Type.Literal('ignored')])) }, { additionalProperties: false }),
        response: { 200: Type.Array(ProposalSchema) },
      },
    },
    async (req) => service.proposals.list(req.query.status).map((p) => (p.status === 'accepted' ? service.withSnippet(p) : p)),
  );

  for (const [action, status] of [
    ['ignore', 'ignored'],
    ['accept', 'accepted'],
    ['restore', 'proposed'],
  ] as const) {
    app.post(
      `/api/discovery/proposals/:address/${action}`,
      {
        config: { role: 'tech' },
        schema: {
          tags: ['discovery'],
          description:
            action === 'accept'
              ? 'Mark accepted and return the devices: entry to paste into the config (the config is never edited by Outpost).'
              : action === 'ignore'
                ? 'Hide the proposal from future lists; rescans keep it ignored.'
                : 'Back to proposed.',
          params: AddressParams,
          response: { 200: ProposalSchema, 404: ErrorReply },
        },
      },
      async (req, reply) => {
        const p = service.proposals.setStatus(req.params.address, status);
        if (!p) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no proposal for ${req.params.address}` });
        req.log.info({ audit: `discovery-${action}`, address: p.address, user: req.user?.username }, `proposal ${status}`);
        return status === 'accepted' ? service.withSnippet(p) : p;
      },
    );
  }
}

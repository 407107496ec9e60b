import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply, Role } from '../schemas/api.js';
import { auditRequest } from '../auth/audit.js';

const TokenName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });
const TokenInfo = Type.Object({ name: Type.String(), role: Role, created: Type.Number(), lastUsed: Type.Union([Type.Number(), Type.Null()]) });

/**
 * API tokens for scripts and central systems (admin only). A token is returned once, by the create call; the
 * database keeps only its SHA-256, so neither the list nor a stolen backup can give it back.
 */
export async function tokenRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/tokens', { config: { role: 'admin' }, schema: { tags: ['admin'], response: { 200: Type.Array(TokenInfo) } } }, async () => app.outpost.users.listTokens());

  app.post(
    '/api/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        body: Type.Object({ name: TokenName, role: Role }, { additionalProperties: false }),
        response: {
          201: Type.Object({ name: Type.String(), role: Role, token: Type.String({ description: 'Shown this once; store it now.' }) }),
          409: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      const { name, role } = req.body;
      if (app.outpost.users.hasToken(name)) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `a token named ${name} exists; revoke it first` });
      const token = app.outpost.users.createToken(name, role);
      auditRequest(req, app.outpost.store.db, { action: 'token.create', target: name, detail: `role ${role}` }, 'API token created', { role });
      return reply.code(201).send({ name, role, token });
    },
  );

  app.delete(
    '/api/tokens/:name',
    {
      config: { role: 'admin' },
      schema: { tags: ['admin'], params: Type.Object({ name: TokenName }, { additionalProperties: false }), response: { 204: Type.Null(), 404: ErrorReply } },
    },
    async (req, reply) => {
      if (!app.outpost.users.revokeToken(req.params.name)) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no token ${req.params.name}` });
      auditRequest(req, app.outpost.store.db, { action: 'token.revoke', target: req.params.name }, 'API token revoked');
      return reply.code(204).send(null);
    },
  );
}

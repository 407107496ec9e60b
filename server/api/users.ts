import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply, Role } from '../schemas/api.js';
import { auditLog, auditRequest } from '../auth/audit.js';

const UserInfo = Type.Object({ username: Type.String(), role: Role, created: Type.Number() });
const AuditRecord = Type.Object({
  id: Type.Integer(),
  time: Type.Number(),
  user: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
});

/** Users and the audit log (admin only). Passwords go in, never out: the list has names and roles only. */
export async function userRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/users', { config: { role: 'admin' }, schema: { tags: ['admin'], response: { 200: Type.Array(UserInfo) } } }, async () => app.outpost.users.listUsers());

  app.post(
    '/api/users',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' }),
            role: Role,
            password: Type.String({ minLength: 10, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserInfo, 409: ErrorReply },
      },
    },
    async (req, reply) => {
      const { username, role, password } = req.body;
      // Adding is not editing: changing someone's password or role through "add" would be a silent takeover.
      if (app.outpost.users.hasUser(username)) return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `user ${username} exists` });
      await app.outpost.users.add(username, role, password);
      auditRequest(req, app.outpost.store.db, { action: 'user.add', target: username, detail: `role ${role}` }, 'user added', { role });
      return reply.code(201).send(app.outpost.users.listUsers().find((u) => u.username === username)!);
    },
  );

  app.get(
    '/api/audit',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['admin'],
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), before: Type.Optional(Type.Integer({ minimum: 1, description: 'Page: entries with a smaller id' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AuditRecord) },
      },
    },
    async (req) => auditLog(app.outpost.store.db, { limit: req.query.limit, before: req.query.before }),
  );
}

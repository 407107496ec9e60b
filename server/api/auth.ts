import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LoginBody, SetupBody, WhoAmI, ErrorReply, type Role } from '../schemas/api.js';
import { ROLE_RANK, type SessionInfo } from '../auth/users.js';
import { parseDuration } from '../config/duration.js';

export const SESSION_COOKIE = 'outpost_session';

declare module 'fastify' {
  interface FastifyRequest {
    user?: SessionInfo;
  }
  interface FastifyContextConfig {
    /** Minimum role for the route; `public` skips authentication (health, login, first-run setup). */
    role?: Role | 'public';
  }
}

/**
 * Authentication for every route: a session cookie or an `Authorization: Bearer` API token. Routes declare
 * the least role they need in `config.role`; the default is viewer for reads and tech for writes, so a new
 * route is protected unless it says otherwise.
 */
export async function authHook(app: FastifyInstance): Promise<void> {
  const idle = () => parseDuration(app.outpost.config.server?.session_idle ?? '8h');
  const max = () => parseDuration(app.outpost.config.server?.session_max ?? '7d');
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/api/')) return;
    const cfg = req.routeOptions.config as { role?: Role | 'public' } | undefined;
    const needed = cfg?.role ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'tech');
    if (needed === 'public') return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) req.user = app.outpost.users.token(auth.slice(7).trim());
    else {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) req.user = app.outpost.users.session(cookie, idle(), max());
    }
    if (!req.user) return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'log in first (session cookie or API token)' });
    if (ROLE_RANK[req.user.role] < ROLE_RANK[needed]) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `needs role ${needed}, you are ${req.user.role}` });
    }
  });
}

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const cookieOpts = () => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: !!app.outpost.config.server?.tls,
    path: '/',
    maxAge: Math.floor(parseDuration(app.outpost.config.server?.session_max ?? '7d') / 1000),
  });

  app.post(
    '/api/auth/login',
    { config: { role: 'public' }, schema: { tags: ['auth'], body: LoginBody, response: { 200: WhoAmI, 401: ErrorReply } } },
    async (req, reply) => {
      const role = await app.outpost.users.verify(req.body.username, req.body.password);
      if (!role) {
        req.log.warn({ username: req.body.username, ip: req.ip }, 'login failed');
        return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'wrong user name or password' });
      }
      // A new token on every login (session fixation defence); the old cookie, if any, is ended.
      const old = req.cookies[SESSION_COOKIE];
      if (old) app.outpost.users.endSession(old);
      reply.setCookie(SESSION_COOKIE, app.outpost.users.createSession(req.body.username), cookieOpts());
      req.log.info({ username: req.body.username, ip: req.ip }, 'login');
      return { username: req.body.username, role };
    },
  );

  app.post('/api/auth/logout', { config: { role: 'viewer' }, schema: { tags: ['auth'], response: { 204: Type.Null() } } }, async (req, reply) => {
    const c = req.cookies[SESSION_COOKIE];
    if (c) app.outpost.users.endSession(c);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], response: { 200: WhoAmI } } }, async (req) => ({ username: req.user!.username, role: req.user!.role }));

  app.post(
    '/api/auth/setup',
    { config: { role: 'public' }, schema: { tags: ['auth'], body: SetupBody, response: { 200: WhoAmI, 403: ErrorReply } } },
    async (req, reply) => {
      const rt = app.outpost;
      if (!rt.setupCode || rt.users.count() > 0) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'setup is already done' });
      if (req.body.code !== rt.setupCode) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'wrong setup code (see the service log)' });
      await rt.users.add(req.body.username, 'admin', req.body.password);
      rt.setupCode = undefined;
      reply.setCookie(SESSION_COOKIE, rt.users.createSession(req.body.username), cookieOpts());
      return { username: req.body.username, role: 'admin' as const };
    },
  );
}

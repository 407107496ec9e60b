import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LoginBody, SetupBody, WhoAmI, ErrorReply, type Role } from '../schemas/api.js';
import { ROLE_RANK, type SessionInfo } from '../auth/users.js';
import { parseDuration } from '../config/duration.js';
import type { Lockout } from '../security.js';
import { audit } from '../auth/audit.js';

export const SESSION_COOKIE = 'outpost_session';

/**
 * @fastify/rate-limit route option (registered by server/security.ts): a plain per-address request throttle on
 * login and setup, on top of the failure lockout, bounding the scrypt CPU a flood can burn.
 */
const loginRateLimit = { rateLimit: { timeWindow: 60_000 } } as const;

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

function tooMany(reply: FastifyReply, l: Lockout) {
  const what = l.scope === 'user' ? 'this user' : 'your address';
  return reply
    .code(429)
    .header('retry-after', String(l.retryAfterS))
    .send({ statusCode: 429, error: 'Too Many Requests', message: `too many failed logins for ${what}; try again in ${l.retryAfterS} s` });
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

  // The lockout needs server/security.ts registered first (app.ts does); without it logins are not throttled.
  const guard = fastify.hasDecorator('loginGuard') ? fastify.loginGuard : undefined;
  if (!guard) fastify.log.warn('login lockout is off: server/security.ts is not registered before the auth routes');

  app.post(
    '/api/auth/login',
    {
      config: { role: 'public', ...loginRateLimit },
      schema: { tags: ['auth'], body: LoginBody, response: { 200: WhoAmI, 401: ErrorReply, 429: ErrorReply } },
    },
    async (req, reply) => {
      const { username } = req.body;
      const locked = await guard?.check(req, username);
      if (locked) {
        // Refused before the password is checked: during a lockout even the right password gets nothing.
        req.log.warn({ username, ip: req.ip, scope: locked.scope, retryAfterS: locked.retryAfterS }, 'login refused: locked out');
        return tooMany(reply, locked);
      }
      const role = await app.outpost.users.verify(username, req.body.password);
      if (!role) {
        const now = await guard?.fail(req, username);
        req.log.warn({ username, ip: req.ip }, 'login failed');
        if (now) {
          req.log.warn({ username, ip: req.ip, scope: now.scope, retryAfterS: now.retryAfterS }, 'login locked out after repeated failures');
          audit(app.outpost.store.db, { user: now.scope === 'user' ? username : `address:${req.ip}`, action: 'login.lockout', target: username, detail: `from ${req.ip} for ${now.retryAfterS} s` });
        }
        return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'wrong user name or password' });
      }
      // A new token on every login (session fixation defence); the old cookie, if any, is ended.
      const old = req.cookies[SESSION_COOKIE];
      if (old) app.outpost.users.endSession(old);
      reply.setCookie(SESSION_COOKIE, app.outpost.users.createSession(username), cookieOpts());
      req.log.info({ username, ip: req.ip }, 'login');
      return { username, role };
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
    { config: { role: 'public', ...loginRateLimit }, schema: { tags: ['auth'], body: SetupBody, response: { 200: WhoAmI, 403: ErrorReply } } },
    async (req, reply) => {
      const rt = app.outpost;
      if (!rt.setupCode || rt.users.count() > 0) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'setup is already done' });
      if (req.body.code !== rt.setupCode) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'wrong setup code (see the service log)' });
      await rt.users.add(req.body.username, 'admin', req.body.password);
      rt.setupCode = undefined;
      audit(rt.store.db, { user: req.body.username, action: 'user.add', target: req.body.username, detail: 'first admin, created with the setup code' });
      reply.setCookie(SESSION_COOKIE, rt.users.createSession(req.body.username), cookieOpts());
      return { username: req.body.username, role: 'admin' as const };
    },
  );
}

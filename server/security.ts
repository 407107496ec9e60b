import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { createServer, type Server } from 'node:http';

/**
 * Browser-facing hardening in one plugin: security headers with a strict CSP, CSRF protection for
 * cookie-authenticated writes, and the login throttle the login route consults. Registered by app.ts before
 * any route, so its hooks guard every route.
 */
export interface SecurityOptions {
  /** Served over TLS: adds HSTS and `upgrade-insecure-requests` (both would break a plain-HTTP box). */
  tls?: boolean;
  /** Failed logins for one user name before it is locked (default 5). */
  userMaxFailures?: number;
  /** Failed logins from one address before it is locked (default 20: a client's office shares one NAT address). */
  addressMaxFailures?: number;
  /** How long a lockout lasts, counted from the first failure of the window (default 15 minutes). */
  lockoutMs?: number;
  /** Login requests (good or bad) from one address per minute: bounds the scrypt CPU an attacker can burn (default 30). */
  loginPerMinute?: number;
}

/** Why a login is refused before its password is even checked. */
export interface Lockout {
  scope: 'user' | 'address';
  retryAfterS: number;
}

/**
 * Per-user and per-address lockout, counted on failures only (a tech logging in all day is never throttled by
 * it). Failures are counted with @fastify/rate-limit's manual limiter (`createRateLimit`), once per failure.
 */
export interface LoginGuard {
  /** The lockout in force for this request's user name or address, if any. Counts nothing. */
  check(req: FastifyRequest, username: string): Promise<Lockout | undefined>;
  /** Record a failed attempt; returns the lockout it caused, if it was the last one allowed. */
  fail(req: FastifyRequest, username: string): Promise<Lockout | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    loginGuard: LoginGuard;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why Origin/Sec-Fetch-Site checks rather than a double-submit token: the session cookie is already
 * SameSite=Strict, so a cross-site page cannot send it; what is left is a same-site sibling (another host of
 * the client's domain) or an old browser. Every browser that can run the dashboard sends `Sec-Fetch-Site`
 * and/or `Origin` on a POST, so comparing them with the request's own host closes both without a token the
 * UI must fetch, store and echo, and without server state. This is the algorithm of Go 1.25's
 * `http.CrossOriginProtection`: a request with neither header did not come from a browser (curl, scripts),
 * so it cannot be a forged cross-site request and is let through. Bearer-token requests are exempt: a
 * browser never attaches a token by itself.
 */
export function csrfRefusal(req: FastifyRequest): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  if (req.headers.authorization?.startsWith('Bearer ')) return undefined;
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined) {
    // `none` = typed into the address bar / bookmark: a user action, not a page's forgery.
    if (site === 'same-origin' || site === 'none') return undefined;
    return `cross-site request refused (Sec-Fetch-Site: ${site})`;
  }
  const origin = header(req, 'origin');
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return 'cross-site request refused (malformed Origin)';
  }
  const host = header(req, 'host');
  if (host && originHost.toLowerCase() === host.toLowerCase()) return undefined;
  return `cross-site request refused (Origin ${origin} is not this server)`;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The CSP the built dashboard runs under; exported so the UI test can assert against the same value. */
export function contentSecurityPolicy(tls: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    // Vite emits the app as external module scripts: nothing inline, no eval.
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    // Svelte's compiled CSS is emitted to files (style-src 'self'); only style *attributes* (Svelte's `style:`
    // directives and style="" in templates cloned from HTML strings) need inline, and an attribute cannot
    // load anything or select elements, so it is no way to exfiltrate data.
    'style-src': ["'self'"],
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    // fetch() and the SSE stream only ever go back to the box itself.
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
    'upgrade-insecure-requests': tls ? [] : null,
  };
}

async function security(fastify: FastifyInstance, opts: SecurityOptions): Promise<void> {
  // Idempotent: a test may register it first with short lockouts; app.ts's registration then changes nothing.
  if (fastify.hasDecorator('loginGuard')) return;
  const tls = !!opts.tls;

  await fastify.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(tls) },
    // HSTS on a box reached by IP with a self-signed cert is still right: it stops a downgrade to plain HTTP.
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });

  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/api/')) return;
    const why = csrfRefusal(req);
    if (!why) return;
    req.log.warn({ method: req.method, url: req.url.split('?')[0], origin: header(req, 'origin'), secFetchSite: header(req, 'sec-fetch-site'), ip: req.ip }, 'CSRF check refused a request');
    return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: why });
  });

  // global: false — only routes that ask (`config.rateLimit`) are throttled; the login route does.
  await fastify.register(rateLimit, { global: false, max: opts.loginPerMinute ?? 30, timeWindow: 60_000 });

  const lockoutMs = opts.lockoutMs ?? 15 * 60_000;
  // Failures are counted by @fastify/rate-limit (one counter per user name, one per address, each over a
  // lockout-long window); `max` is the failures still allowed, so the Nth failure makes `current > max`.
  const byUser = fastify.createRateLimit({ max: Math.max(0, (opts.userMaxFailures ?? 5) - 1), timeWindow: lockoutMs, keyGenerator: (req) => `user:${loginName(req)}` });
  const byAddress = fastify.createRateLimit({ max: Math.max(0, (opts.addressMaxFailures ?? 20) - 1), timeWindow: lockoutMs, keyGenerator: (req) => `addr:${req.ip}` });
  // A lockout runs for lockoutMs from the failure that caused it. Kept here rather than peeked from the
  // limiter, because a peek (`increment: false`) only exists from @fastify/rate-limit 11.
  const locked = new Map<string, number>();
  const active = (key: string, scope: Lockout['scope'], now: number): Lockout | undefined => {
    const until = locked.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      locked.delete(key);
      return undefined;
    }
    return { scope, retryAfterS: Math.max(1, Math.ceil((until - now) / 1000)) };
  };
  const lock = (key: string, now: number) => {
    // Bounded: a flood of made-up user names cannot grow this without limit (oldest lockouts go first).
    if (locked.size >= 10_000) locked.delete(locked.keys().next().value!);
    locked.set(key, now + lockoutMs);
  };

  const guard: LoginGuard = {
    async check(req, username) {
      const now = Date.now();
      return active(`user:${username.toLowerCase()}`, 'user', now) ?? active(`addr:${req.ip}`, 'address', now);
    },
    async fail(req, username) {
      const now = Date.now();
      const [u, a] = [await byUser(req), await byAddress(req)];
      if (!u.isAllowed && u.isExceeded) lock(`user:${username.toLowerCase()}`, now);
      if (!a.isAllowed && a.isExceeded) lock(`addr:${req.ip}`, now);
      return guard.check(req, username);
    },
  };
  fastify.decorate('loginGuard', guard);
}

/** Lockouts are per user name case-insensitively, so `Admin` and `admin` share one counter. */
function loginName(req: FastifyRequest): string {
  const body = req.body as { username?: unknown } | undefined;
  return typeof body?.username === 'string' ? body.username.toLowerCase() : '';
}

export default fp(security, { name: 'outpost-security', fastify: '5.x' });

export interface RedirectServerOptions {
  port: number;
  host?: string;
  /** Port of the HTTPS listener the redirect points at (omitted from the URL when 443). */
  httpsPort: number;
}

/**
 * Plain HTTP only redirects (issue 8): nothing is served, no cookie is read. The Host header supplies the
 * name the user typed (the box is reached by IP or mDNS name, not one fixed name); its port is replaced.
 */
export function startRedirectServer(opts: RedirectServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const host = redirectHost(req.headers.host, opts.httpsPort);
    if (!host) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('missing or invalid Host header\n');
      return;
    }
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    // 308 keeps the method for API clients; GET/HEAD get the classic 301 browsers cache.
    const code = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
    res.writeHead(code, { location: `https://${host}${path}`, 'content-type': 'text/plain', connection: 'close' }).end(`use https://${host}${path}\n`);
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** `box.local:80` → `box.local:8443` (or `box.local` for 443); IPv6 literals keep their brackets. */
export function redirectHost(hostHeader: string | undefined, httpsPort: number): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(hostHeader.trim());
  if (!m) return undefined;
  return httpsPort === 443 ? m[1] : `${m[1]}:${httpsPort}`;
}

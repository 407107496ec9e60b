import type { FastifyInstance, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime, type RuntimeOptions } from './runtime.js';
import { authHook, authRoutes } from './api/auth.js';
import { deviceRoutes } from './api/devices.js';
import { healthRoutes } from './api/health.js';
import { eventRoutes, snapshotSeqHook } from './api/events.js';
import { alertRoutes, deliveryRoutes } from './api/alerts.js';
import { ruleRoutes } from './api/rules.js';
import { trapRoutes } from './api/traps.js';
import { smartRoutes } from './api/smart.js';
import security from './security.js';
import { tokenRoutes } from './api/tokens.js';
import { userRoutes } from './api/users.js';
import { reportRoutes } from './api/reports.js';
import { discoveryRoutes, type DiscoveryRouteOptions } from './api/discovery.js';
import { VERSION, PACKAGE_ROOT } from './version.js';
import { fastifyOptions } from './fastify-options.js';
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

declare module 'fastify' {
  interface FastifyInstance {
    outpost: Runtime;
  }
}

export interface AppOptions extends RuntimeOptions {
  /** Serve the built dashboard from ui/dist when it exists. */
  serveUi?: boolean;
  /** Test seams for discovery (fping exec, SNMP connect). */
  discovery?: DiscoveryRouteOptions;
  /** false: compile every route schema at start-up, so a test can prove they all compile (see compileSchemasLazily). */
  lazySchemas?: boolean;
}

/**
 * Fastify compiles every route's request validator and response serializer at start-up; most routes of an
 * appliance are called rarely or never, and the compiled code and compile-time garbage cost ~10 MB of RSS.
 * These compilers are Fastify's own (same options), run on a route's first request instead. Header schemas
 * would lose Fastify's lower-casing under a custom compiler; no Outpost route validates headers.
 */
function compileSchemasLazily(fastify: FastifyInstance): void {
  const buildValidator = AjvCompiler()(fastify.getSchemas() as Parameters<ReturnType<typeof AjvCompiler>>[0], fastifyOptions.ajv ?? {});
  const buildSerializer = SerializerSelector()(fastify.getSchemas(), {});
  fastify.setValidatorCompiler((route) => {
    let real: ReturnType<typeof buildValidator> | undefined;
    const validate = ((data: unknown) => {
      real ??= buildValidator(route as Parameters<typeof buildValidator>[0]);
      const ok = real(data);
      validate.errors = real.errors as FastifySchemaValidationError[] | null | undefined;
      return ok;
    }) as ReturnType<FastifySchemaCompiler<unknown>>;
    validate.errors = null;
    return validate;
  });
  fastify.setSerializerCompiler((route) => {
    let real: ((doc: unknown) => string) | undefined;
    return (doc) => (real ??= buildSerializer(route as Parameters<typeof buildSerializer>[0]))(doc);
  });
}

/**
 * The appliance as a Fastify plugin (STYLE.md 11): external plugins, then the runtime decorator, then routes.
 * server.ts only listens; tests build this with `app.inject` and no port.
 */
async function app(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  if (opts.lazySchemas !== false) compileSchemasLazily(fastify);
  await fastify.register(cookie);
  // Headers, CSP, CSRF and login throttling come before any route so every route is covered.
  await fastify.register(security, { tls: !!opts.config.server?.tls });
  await fastify.register(swagger, {
    openapi: {
      info: { title: 'Outpost API', version: VERSION, description: 'Site monitoring appliance. Every route but health, login and setup needs a session cookie or `Authorization: Bearer` API token.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'outpost_session' }, token: { type: 'http', scheme: 'bearer' } } },
      security: [{ session: [] }, { token: [] }],
    },
  });

  const rt = new Runtime(opts);
  fastify.decorate('outpost', rt);
  fastify.addHook('onClose', async () => rt.close());

  // 5xx details go to the log, never to the client; validation failures are 400 with Ajv's reason.
  fastify.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    if (err.validation) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message });
    const code = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (code >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(code).send({ statusCode: code, error: 'Internal Server Error', message: 'internal error (see the service log)' });
    }
    return reply.code(code).send({ statusCode: code, error: err.name, message: err.message });
  });

  // Called, not registered: a hook added inside an encapsulated plugin would only guard that plugin's routes.
  await authHook(fastify);
  snapshotSeqHook(fastify);
  await fastify.register(authRoutes);
  await fastify.register(healthRoutes);
  await fastify.register(deviceRoutes);
  await fastify.register(eventRoutes);
  await fastify.register(alertRoutes);
  await fastify.register(deliveryRoutes);
  await fastify.register(ruleRoutes);
  await fastify.register(trapRoutes);
  await fastify.register(smartRoutes);
  await fastify.register(tokenRoutes);
  await fastify.register(userRoutes);
  await fastify.register(reportRoutes);
  await fastify.register(discoveryRoutes, { ...opts.discovery, schedule: opts.poll !== false });
  fastify.get('/api/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());

  if (opts.serveUi !== false) {
    const dist = join(PACKAGE_ROOT, 'ui', 'dist');
    if (existsSync(dist)) {
      const { default: fastifyStatic } = await import('@fastify/static');
      await fastify.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false });
      // Client-side routes fall back to the app shell; unknown API paths stay 404 JSON.
      fastify.setNotFoundHandler((req, reply) => {
        if (req.url.startsWith('/api/') || req.method !== 'GET') return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
        return reply.sendFile('index.html');
      });
    }
  }
}

export default fp(app, { name: 'outpost-app' });

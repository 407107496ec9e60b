import type { FastifyServerOptions } from 'fastify';

/**
 * Options every Outpost Fastify instance uses (the real server and tests alike). Ajv must not silently drop
 * unknown keys: a typo in an API call is a 400 naming the key, not a request that half-works.
 */
export const fastifyOptions: FastifyServerOptions = {
  ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  bodyLimit: 1024 * 1024,
  connectionTimeout: 30_000,
  requestTimeout: 30_000,
};

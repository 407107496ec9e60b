import Fastify, { type FastifyInstance } from 'fastify';
import app, { type AppOptions } from '../../../server/app.js';
import { fastifyOptions } from '../../../server/fastify-options.js';
import { reportRoutes } from '../../../server/api/reports.js';
import { discoveryRoutes, type DiscoveryRouteOptions } from '../../../server/api/discovery.js';
import { config, tempDir, type Tap } from '../../helpers/app.js';
import { silentLogger } from '../../../probes/types.js';

/**
 * The whole app plus the report and discovery routes, with `reports:` / `discovery:` attached after the
 * core config is validated (so these tests run whether or not server/config/schema.ts lists those keys yet).
 * When app.ts already registers the routes they are not registered twice.
 */
export async function buildWithReports(t: Tap, raw: object, extra: { reports?: object; discovery?: object } = {}, discovery: DiscoveryRouteOptions = {}): Promise<FastifyInstance> {
  const dir = tempDir(t);
  const cfg = { ...config(raw), ...extra };
  const fastify = Fastify({ ...fastifyOptions, logger: false });
  // `discovery` reaches discoveryRoutes when app.ts registers them (AppOptions.discovery); else they are registered below.
  const opts = { config: cfg, log: silentLogger, env: { OUTPOST_DATA_DIR: dir }, poll: false, serveUi: false, discovery } as AppOptions;
  await fastify.register(app, opts);
  if (!fastify.hasRoute({ method: 'GET', url: '/api/reports/sla' })) {
    await fastify.register(reportRoutes);
    await fastify.register(discoveryRoutes, discovery);
  }
  await fastify.ready();
  t.teardown(() => fastify.close());
  return fastify;
}

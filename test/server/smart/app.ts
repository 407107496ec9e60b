/**
 * The whole app with the SMART routes, for the tests of this folder. Until server/app.ts registers
 * `smartRoutes` itself, they are added here; once it does, `hasRoute` makes this a plain build().
 */
import Fastify, { type FastifyInstance } from 'fastify';
import app from '../../../server/app.js';
import { smartRoutes } from '../../../server/api/smart.js';
import { fastifyOptions } from '../../../server/fastify-options.js';
import { silentLogger } from '../../../probes/types.js';
import { config, tempDir, type Tap } from '../../helpers/app.js';

export const SITE = { site: { id: 'acme', name: 'Acme' } };

export async function buildSmart(t: Tap, raw: object = { ...SITE, devices: [{ name: 'fs1', host: '127.0.0.1', ping: false }] }): Promise<FastifyInstance> {
  const dir = tempDir(t);
  const fastify = Fastify({ ...fastifyOptions, logger: false });
  await fastify.register(app, { config: config(raw), log: silentLogger, env: { OUTPOST_DATA_DIR: dir }, poll: false, serveUi: false });
  if (!fastify.hasRoute({ method: 'POST', url: '/api/smart' })) await fastify.register(smartRoutes);
  await fastify.ready();
  t.teardown(() => fastify.close());
  return fastify;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

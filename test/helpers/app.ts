import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import app, { type AppOptions } from '../../server/app.js';
import { fastifyOptions } from '../../server/fastify-options.js';
import { validateConfig } from '../../server/config/load.js';
import type { OutpostConfig } from '../../server/config/schema.js';
import { silentLogger } from '../../probes/types.js';

export interface Tap {
  teardown(fn: () => unknown): void;
}

export function tempDir(t: Tap, prefix = 'outpost-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Validate a config literal the way the file loader would (defaults applied), failing loudly if invalid. */
export function config(raw: object, env: NodeJS.ProcessEnv = {}): OutpostConfig {
  const res = validateConfig(structuredClone(raw), env);
  if (!res.ok) throw new Error(`test config invalid: ${JSON.stringify(res.issues)}`);
  return res.config;
}

/** fastify/demo's build(t): the whole app, no port, closed when the test ends. */
export async function build(t: Tap, raw: object, opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const dir = tempDir(t);
  const cfg = config(raw);
  const fastify = Fastify({ ...fastifyOptions, logger: false });
  await fastify.register(app, { config: cfg, log: silentLogger, env: { OUTPOST_DATA_DIR: dir }, poll: false, serveUi: false, ...opts });
  await fastify.ready();
  t.teardown(() => fastify.close());
  return fastify;
}

/** Create a user and log in; returns the cookie header to send. */
export async function login(app: FastifyInstance, role: 'viewer' | 'tech' | 'admin' = 'admin', username = `${role}1`): Promise<string> {
  await app.outpost.users.add(username, role, 'correct horse battery');
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'correct horse battery' } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'outpost_session');
  return `outpost_session=${c!.value}`;
}

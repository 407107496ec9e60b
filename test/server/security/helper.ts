import Fastify, { type FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import app, { type AppOptions } from '../../../server/app.js';
import security, { type SecurityOptions } from '../../../server/security.js';
import { tokenRoutes } from '../../../server/api/tokens.js';
import { userRoutes } from '../../../server/api/users.js';
import { fastifyOptions } from '../../../server/fastify-options.js';
import { config, tempDir, type Tap } from '../../helpers/app.js';

/** Everything the app logged, as raw JSON lines: what the redaction and login-logging tests read. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  /** Parsed entries whose msg matches. */
  find(msg: RegExp): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => typeof o.msg === 'string' && msg.test(o.msg));
  }
}

export interface SecureBuild {
  app: FastifyInstance;
  logs: LogCapture;
}

/**
 * The whole app like test/helpers/app.ts build(), but with a real pino logger writing to a capture stream
 * (the runtime logs through it too) and the security plugin registered first with test-sized lockouts.
 * app.ts registers the same plugin; the plugin is idempotent, so the first registration's options win.
 * Routes the lead has not yet wired into app.ts (tokens, users) are added when missing.
 */
export async function buildSecure(t: Tap, raw: object, opts: { security?: SecurityOptions; app?: Partial<AppOptions>; env?: NodeJS.ProcessEnv } = {}): Promise<SecureBuild> {
  const dir = tempDir(t);
  const cfg = config(raw, opts.env);
  const logs = new LogCapture();
  const fastify = Fastify({ ...fastifyOptions, logger: { level: 'debug', stream: logs } });
  await fastify.register(security, { tls: !!cfg.server?.tls, ...opts.security });
  await fastify.register(app, { config: cfg, log: fastify.log, env: { ...opts.env, OUTPOST_DATA_DIR: dir }, poll: false, serveUi: false, ...opts.app });
  if (!fastify.hasRoute({ method: 'GET', url: '/api/tokens' })) await fastify.register(tokenRoutes);
  if (!fastify.hasRoute({ method: 'GET', url: '/api/users' })) await fastify.register(userRoutes);
  await fastify.ready();
  t.teardown(() => fastify.close());
  return { app: fastify, logs };
}

export const PASSWORD = 'correct horse battery';

/** Create a user and log in with a session cookie; returns the Cookie header value. */
export async function loginAs(app: FastifyInstance, role: 'viewer' | 'tech' | 'admin', username = `${role}1`): Promise<string> {
  if (!app.outpost.users.hasUser(username)) await app.outpost.users.add(username, role, PASSWORD);
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'outpost_session');
  return `outpost_session=${c!.value}`;
}

/** Every operation in the OpenAPI document, path params filled with `fill`. */
export async function operations(app: FastifyInstance, cookie: string, fill = 'x'): Promise<Array<{ method: string; path: string; url: string }>> {
  const doc = (await app.inject({ url: '/api/openapi.json', headers: { cookie } })).json() as { paths: Record<string, Record<string, unknown>> };
  const out: Array<{ method: string; path: string; url: string }> = [];
  for (const [path, ops] of Object.entries(doc.paths)) for (const method of Object.keys(ops)) out.push({ method: method.toUpperCase(), path, url: path.replace(/\{[^}]+\}/g, fill) });
  return out;
}

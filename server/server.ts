import Fastify from 'fastify';
import type { Server } from 'node:http';
import closeWithGrace from 'close-with-grace';
import { readFileSync } from 'node:fs';
import app from './app.js';
import { fastifyOptions } from './fastify-options.js';
import { ensureCertificate } from './tls.js';
import { startRedirectServer } from './security.js';
import type { OutpostConfig } from './config/schema.js';

export interface ServeOptions {
  config: OutpostConfig;
  configPath?: string;
  logLevel?: string;
}

/** The thin shell (STYLE.md 11): logger, timeouts, listen, SIGHUP reload, graceful close that flushes. */
export async function serve(opts: ServeOptions): Promise<void> {
  const tls = opts.config.server?.tls;
  // On the appliance TLS is on by default: a missing certificate pair is generated (self-signed) once.
  const cert = tls ? await ensureCertificate({ cert: tls.cert, key: tls.key }) : undefined;
  const fastify = Fastify({
    logger: {
      level: opts.logLevel ?? process.env.LOG_LEVEL ?? 'info',
      // Belt and braces: even if a secret reached a log object, these paths are blanked.
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.community', '*.key', '*.token', '*.secret'],
    },
    ...fastifyOptions,
    ...(tls ? { https: { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } } : {}),
  });
  await fastify.register(app, { config: opts.config, configPath: opts.configPath, log: fastify.log });
  fastify.outpost.start();

  let redirect: Server | undefined;
  process.on('SIGHUP', () => {
    fastify.outpost.reload();
  });
  // SIGHUP means "reload" here (above), not "exit": close-with-grace would otherwise treat it as a stop.
  closeWithGrace({ delay: 10_000, skip: ['SIGHUP'] }, async ({ signal, err }) => {
    if (err) fastify.log.error({ err }, 'closing after an error');
    else fastify.log.info(`${signal} received, flushing and closing`);
    redirect?.close();
    await fastify.close();
  });

  const port = opts.config.server?.port ?? 8080;
  const host = opts.config.server?.host ?? '0.0.0.0';
  await fastify.listen({ port, host });
  if (cert) fastify.log.info(`TLS certificate ${cert.generated ? 'generated' : 'loaded'}: ${cert.subject}, SHA-256 ${cert.fingerprint256}, valid to ${cert.validTo}`);
  // Plain HTTP only redirects to HTTPS, so a tech typing the bare address still lands on the dashboard.
  if (tls?.redirect_port) {
    redirect = await startRedirectServer({ port: tls.redirect_port, host, httpsPort: port });
  }
  fastify.log.info(`Outpost for site ${opts.config.site.id} on ${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/ polling ${opts.config.devices.length} devices`);
}

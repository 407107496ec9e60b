import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HealthReply } from '../schemas/api.js';
import { VERSION } from '../version.js';
import { stateCache } from './state-cache.js';

/** Public by design: a load balancer or the MSP's uptime check needs it without credentials. No secrets here. */
export async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Uptime checks and every dashboard tab poll this; counting 1,000 devices per request is the costly part.
  const deviceFigures = stateCache(fastify, () => {
    const rt = app.outpost;
    const counts = { total: 0, up: 0, down: 0, stale: 0, unknown: 0 };
    for (const d of rt.store.devices()) {
      counts.total++;
      counts[rt.scheduler.deviceState(d.name) ?? d.state]++;
    }
    // The unreachable lane is read in the same build so both figures describe one instant.
    return { counts, unreachable: rt.scheduler.unreachableCount };
  });
  app.get('/api/health', { config: { role: 'public' }, schema: { tags: ['health'], response: { 200: HealthReply } } }, async () => {
    const rt = app.outpost;
    const sinks = rt.sinkStats();
    const sinkBad = sinks.some((s) => s.state !== 'ok');
    const devices = deviceFigures();
    return {
      status: rt.reloadState.lastReloadOk && !sinkBad ? ('ok' as const) : ('degraded' as const),
      version: VERSION,
      site: rt.config.site.id,
      uptime_s: Math.round((Date.now() - rt.startedAt) / 1000),
      devices: devices.counts,
      devices_unreachable: devices.unreachable,
      config: { path: rt.configPath ?? null, ...rt.reloadState },
      setupRequired: rt.users.count() === 0,
      sinks,
      ...(rt.notifications?.heartbeatStatus() ? { heartbeat: rt.notifications.heartbeatStatus() } : {}),
      receivers: (rt.notifications?.stats() ?? []) as unknown as Array<Record<string, unknown>>,
    };
  });
}

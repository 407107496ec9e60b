import type { FastifyInstance } from 'fastify';

/**
 * A value derived from every device (the device list, the health counts) built at most once per `maxAgeMs`
 * instead of once per request: with 1,000 devices each build costs milliseconds, and 50 dashboards asking at
 * once queued behind each other. A device state change drops it at once, and so does a config reload (a new
 * config object). Poll results do not: polls are spread over the interval, so with 1,000 devices one arrives
 * every few tens of milliseconds and the cache would never be hit; poll times may trail by `maxAgeMs` (the
 * dashboard gets them live over SSE).
 */
export function stateCache<T>(app: FastifyInstance, build: () => T, maxAgeMs = 1000): () => T {
  let cache: { at: number; config: unknown; value: T } | undefined;
  const drop = (name: string) => {
    if (name === 'deviceState') cache = undefined;
  };
  app.outpost.bus.on('event', drop);
  app.addHook('onClose', async () => {
    app.outpost.bus.off('event', drop);
  });
  return () => {
    const now = Date.now();
    // `now < at`: the wall clock stepped back (NTP on a Pi without an RTC); rebuild rather than trust the age.
    if (cache && cache.config === app.outpost.config && now >= cache.at && now - cache.at < maxAgeMs) return cache.value;
    cache = { at: now, config: app.outpost.config, value: build() };
    return cache.value;
  };
}

import t from 'tap';
import Fastify from 'fastify';
import { EventEmitter } from 'node:events';
import { stateCache } from '../../../server/api/state-cache.js';

/** Just what stateCache reads from the runtime: its bus and its config object. */
function fakeApp(): { app: ReturnType<typeof Fastify>; bus: EventEmitter; outpost: { bus: EventEmitter; config: object } } {
  const app = Fastify();
  const bus = new EventEmitter();
  const outpost = { bus, config: {} };
  app.decorate('outpost', outpost as never);
  return { app, bus, outpost };
}

t.test('built once per second, rebuilt at once on a device state change or a config reload', async (t) => {
  const { app, bus, outpost } = fakeApp();
  t.teardown(() => app.close());
  let builds = 0;
  const get = stateCache(app, () => ++builds, 60_000);
  t.equal(get(), 1);
  t.equal(get(), 1, 'cached');
  bus.emit('event', 'probeResult', {});
  t.equal(get(), 1, 'a poll result does not drop it');
  bus.emit('event', 'deviceState', {});
  t.equal(get(), 2, 'a state change does');
  outpost.config = {};
  t.equal(get(), 3, 'a new config does');
});

t.test('the age limit holds and the listener goes away with the app', async (t) => {
  const { app, bus } = fakeApp();
  let builds = 0;
  const get = stateCache(app, () => ++builds, 30);
  get();
  await new Promise((r) => setTimeout(r, 40));
  t.equal(get(), 2, 'older than maxAge: rebuilt');
  t.equal(bus.listenerCount('event'), 1);
  await app.close();
  t.equal(bus.listenerCount('event'), 0, 'no listener leak across app restarts');
});

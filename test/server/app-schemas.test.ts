import t from 'tap';
import { build } from '../helpers/app.js';

// The appliance compiles route schemas on first use (server/app.ts, to save memory); a schema that cannot compile
// would then only fail on that route's first request. Compiling them all eagerly here catches it in CI.
t.test('every route schema compiles', async (t) => {
  const app = await build(t, { site: { id: 'schemas' }, devices: [] }, { lazySchemas: false });
  const res = await app.inject({ method: 'GET', url: '/api/health' });
  t.equal(res.statusCode, 200);
  t.ok(app.hasRoute({ method: 'PUT', url: '/api/rules/overrides' }), 'all routes registered, the newest included');
});

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const TrapsReply = Type.Object({
  enabled: Type.Boolean(),
  stats: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  recent: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});

/** The trap receiver's counters and last traps, for a tech checking whether a device's traps arrive. */
export async function trapRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/traps', { config: { role: 'tech' }, schema: { tags: ['traps'], response: { 200: TrapsReply } } }, async () => {
    const r = app.outpost.traps;
    if (!r) return { enabled: false, recent: [] };
    return { enabled: true, stats: r.stats() as unknown as Record<string, unknown>, recent: r.recent() as unknown as Array<Record<string, unknown>> };
  });
}

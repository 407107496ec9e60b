import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../schemas/api.js';
import { FirmwareReportSchema, InventoryReportSchema, SlaReportSchema } from '../reports/schema.js';
import { firmware, inventory, slaReport, type ReportContext } from '../reports/reader.js';
import { slaHtml } from '../reports/sla-html.js';
import { slaCsv } from '../reports/sla-csv.js';
import { firmwareCsv, inventoryCsv } from '../reports/inventory-csv.js';

const Format = (...f: string[]) => Type.Optional(Type.Union(f.map((x) => Type.Literal(x)), { default: 'json' }));

/** Reports: monthly availability/SLA, inventory, firmware currency. Viewer role: these are read-only. */
export async function reportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = (): ReportContext => ({ store: app.outpost.store, config: app.outpost.config });
  const file = (reply: FastifyReply, type: string, name: string, body: string) =>
    reply.type(type).header('content-disposition', `inline; filename="${name}"`).send(body);

  app.get(
    '/api/reports/sla',
    {
      schema: {
        tags: ['reports'],
        description: 'Monthly availability per device, class and site. format=html is a printable self-contained page; csv one table of figures.',
        querystring: Type.Object(
          { month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'YYYY-MM, in the site time zone' }), format: Format('json', 'html', 'csv') },
          { additionalProperties: false },
        ),
        response: { 200: SlaReportSchema, 400: ErrorReply },
      },
    },
    async (req, reply) => {
      let report;
      try {
        app.outpost.store.flush();
        report = slaReport(ctx(), req.query.month);
      } catch (err) {
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: (err as Error).message });
      }
      const base = `sla-${report.site.id}-${report.month}`;
      if (req.query.format === 'html') {
        // The printable page is self-contained with an inline <style> and no script: the app-wide CSP
        // (style-src 'self') would strip its layout, so this one page gets a CSP that allows exactly that.
        reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        return file(reply, 'text/html; charset=utf-8', `${base}.html`, slaHtml(report));
      }
      if (req.query.format === 'csv') return file(reply, 'text/csv; charset=utf-8', `${base}.csv`, slaCsv(report));
      return report;
    },
  );

  app.get(
    '/api/reports/inventory',
    {
      schema: {
        tags: ['reports'],
        description: 'Every device with identity, disks, age signals and the planned refresh date (reports.refresh).',
        querystring: Type.Object({ format: Format('json', 'csv') }, { additionalProperties: false }),
        response: { 200: InventoryReportSchema },
      },
    },
    async (req, reply) => {
      app.outpost.store.flush();
      const r = inventory(ctx());
      if (req.query.format === 'csv') return file(reply, 'text/csv; charset=utf-8', `inventory-${app.outpost.config.site.id}.csv`, inventoryCsv(r));
      return r;
    },
  );

  app.get(
    '/api/reports/firmware',
    {
      schema: {
        tags: ['reports'],
        description: 'Firmware per model across the site against reports.firmware_minimum, and licence expiry dates.',
        querystring: Type.Object({ format: Format('json', 'csv') }, { additionalProperties: false }),
        response: { 200: FirmwareReportSchema },
      },
    },
    async (req, reply) => {
      app.outpost.store.flush();
      const r = firmware(ctx());
      if (req.query.format === 'csv') return file(reply, 'text/csv; charset=utf-8', `firmware-${app.outpost.config.site.id}.csv`, firmwareCsv(r));
      return r;
    },
  );
}

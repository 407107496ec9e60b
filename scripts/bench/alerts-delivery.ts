import Database from 'better-sqlite3';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../probes/types.js';
import { NotificationService } from '../../server/alerts/delivery.js';
import type { AlertEvent } from '../../server/alerts/schema.js';

/** One request the bench receiver got, stamped with performance.now() when its body had fully arrived. */
interface Arrival {
  at: number;
  headers: IncomingHttpHeaders;
  raw: string;
}

/**
 * A webhook endpoint on loopback in this process, so arrival is stamped on the same clock as the send. It
 * answers 200 and keeps connections alive, as a PSA or ticketing endpoint would; both the Outpost path and
 * the anchor post to it, so whatever it costs is in both figures.
 */
async function startBenchReceiver(onArrival: (a: Arrival) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onArrival({ at: performance.now(), headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  if (!a || typeof a !== 'object') throw new Error('bench receiver has no port');
  return {
    url: `http://127.0.0.1:${a.port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface DeliveryLatency {
  alerts: number;
  /** Firing event handed to the notification service → the signed webhook fully received (ms). */
  outpost: { medianMs: number; p95Ms: number };
  /** The same body and headers POSTed with fetch from this process → fully received (ms). */
  bare: { medianMs: number; p95Ms: number };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/**
 * Firing → delivered through the real NotificationService: notify outbox row in an on-disk SQLite database
 * (WAL, synchronous NORMAL, as the embedded store opens it), routing, webhook body, HMAC signature, fetch.
 * Each alert is sent alone and waited for (latency, not throughput), alternating with the anchor so drift in
 * the machine's load hits both alike.
 */
export async function benchDelivery(events: AlertEvent[]): Promise<DeliveryLatency> {
  if (events.length === 0) throw new Error('no firing events to deliver');
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-notify-'));
  let waiting: ((a: Arrival) => void) | undefined;
  const receiver = await startBenchReceiver((a) => waiting?.(a));
  const arrival = () => new Promise<Arrival>((resolve) => (waiting = resolve));
  const db = new Database(join(dir, 'outpost.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const svc = new NotificationService({
    db,
    notify: [{ type: 'webhook', name: 'bench', url: receiver.url, secret: 'bench-secret' }],
    site: 'bench',
    log: silentLogger,
    version: 'bench',
    healthSnapshot: () => ({}),
  });
  const outpost: number[] = [];
  const bare: number[] = [];
  try {
    svc.start();
    // Let start()'s first pass (nothing due) finish so it does not sit in the receiver's chain.
    await svc.runDue();
    for (const ev of events) {
      const got = arrival();
      const t0 = performance.now();
      svc.onAlertEvents([ev]);
      const a = await got;
      outpost.push(a.at - t0);
      if (!a.headers['x-outpost-signature'] || !a.raw.includes(ev.alert.id)) throw new Error(`receiver got an unsigned or foreign body for ${ev.alert.id}`);
      // Wait until Outpost has read the reply and marked the row: its keep-alive connection is idle again, so
      // the anchor reuses a connection just as Outpost did, rather than paying a TCP handshake.
      await svc.runDue();

      const headers: Record<string, string> = {};
      for (const k of ['content-type', 'idempotency-key', 'x-outpost-timestamp', 'x-outpost-signature']) headers[k] = String(a.headers[k]);
      const again = arrival();
      const t1 = performance.now();
      const res = await fetch(receiver.url, { method: 'POST', headers, body: a.raw });
      const b = await again;
      bare.push(b.at - t1);
      await res.text();
    }
    // Every notification must be marked delivered: the row's state is part of what "delivered" means.
    await svc.runDue();
    const delivered = svc.deliveries({ state: 'delivered', limit: events.length + 10 }).length;
    if (delivered !== events.length) throw new Error(`${delivered} of ${events.length} notifications marked delivered`);
  } finally {
    await svc.stop();
    await receiver.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    alerts: events.length,
    outpost: { medianMs: quantile(outpost, 0.5), p95Ms: quantile(outpost, 0.95) },
    bare: { medianMs: quantile(bare, 0.5), p95Ms: quantile(bare, 0.95) },
  };
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request a test receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: unknown;
  at: number;
}

/**
 * A real HTTP receiver on loopback standing in for a webhook endpoint, Slack, Teams, PagerDuty or a
 * heartbeat collector. `status` sets what it answers; `down()` closes the socket (connection refused, the
 * way a receiver behind a dead WAN looks), `up()` listens again on the same port.
 */
export interface TestReceiver {
  url: string;
  port: number;
  received: Received[];
  status: number;
  /** Answer body for successful requests (PagerDuty answers JSON). */
  reply: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(port: number, opts: { status?: number; reply?: string } = {}): Promise<TestReceiver> {
  let server: Server | undefined;
  const rec: TestReceiver = {
    url: `http://127.0.0.1:${port}`,
    port,
    received: [],
    status: opts.status ?? 200,
    reply: opts.reply ?? 'ok',
    async up() {
      if (server) return;
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let body: unknown = raw;
          try {
            body = raw ? JSON.parse(raw) : undefined;
          } catch {
            // not JSON: keep the text
          }
          if (rec.status >= 200 && rec.status < 300) rec.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body, at: Date.now() });
          res.writeHead(rec.status, { 'content-type': 'text/plain', connection: 'close' });
          res.end(rec.status < 300 ? rec.reply : 'unavailable');
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
      });
      server = s;
    },
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    close() {
      return rec.down();
    },
  };
  await rec.up();
  return rec;
}

/** A throwaway self-signed certificate for the STARTTLS test server (openssl, at test time). */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

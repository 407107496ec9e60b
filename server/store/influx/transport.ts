import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ResolvedSinkConfig } from './config.js';

const gzipAsync = promisify(gzip);

/** The subset of fetch a sink uses, so tests and the benchmark can pass their own. */
export type FetchFn = (url: string, init: { method: string; headers: Record<string, string>; body: Uint8Array; signal: AbortSignal }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/**
 * What a write attempt means for the outbox:
 * - `ok`: every line is stored; remove them.
 * - `bad-data`: the server refused some lines for good (parse error, field type conflict, line too long);
 *   the message is kept to find which ones. Retrying the same lines would fail forever.
 * - `too-large`: the request body was too big; smaller batches will pass.
 * - `auth`: credentials refused; nothing is wrong with the data, retry slowly until someone fixes them.
 * - `retry`: the server is down, busy or misconfigured (database/bucket not found); retry everything later.
 */
export type WriteOutcome =
  | { kind: 'ok' }
  | { kind: 'bad-data'; status: number; message: string; body: string }
  | { kind: 'too-large'; status: number; message: string }
  | { kind: 'auth'; status: number; message: string }
  | { kind: 'retry'; status?: number; message: string; retryAfterMs?: number };

/** The write endpoint of a sink: `/write` for 1.x, `/api/v2/write` for 2.x and Cloud, both at millisecond precision. */
export function writeUrl(cfg: ResolvedSinkConfig): string {
  if (cfg.version === 1) {
    const q = new URLSearchParams({ db: cfg.database ?? '', precision: 'ms' });
    if (cfg.retentionPolicy) q.set('rp', cfg.retentionPolicy);
    return `${cfg.url}/write?${q}`;
  }
  const q = new URLSearchParams({ org: cfg.org ?? '', bucket: cfg.bucket ?? '', precision: 'ms' });
  return `${cfg.url}/api/v2/write?${q}`;
}

export function writeHeaders(cfg: ResolvedSinkConfig): Record<string, string> {
  const h: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Encoding': 'gzip' };
  if (cfg.version === 2) h.Authorization = `Token ${cfg.token ?? ''}`;
  else if (cfg.username !== undefined)
    h.Authorization = `Basic ${Buffer.from(`${cfg.username}:${cfg.password ?? ''}`).toString('base64')}`;
  return h;
}

/** Error text of an InfluxDB response: 1.x `{"error"}`, 2.x `{"code","message"}`, or the raw body. */
export function errorMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof j.error === 'string') return j.error;
    if (typeof j.message === 'string') return j.message;
  } catch {
    // Proxies and load balancers answer in HTML or plain text; the raw body is the best message we have.
  }
  return body.trim();
}

/**
 * 1.x answers 400 for a missing retention policy and Cloud answers 400/404 for a missing bucket: the data is
 * fine and the config is wrong, so those lines must not be thrown away as "bad".
 */
const CONFIG_PROBLEM = /(database|retention policy|bucket|organization|org) not found|not found: (database|bucket|org)/i;

function retryAfterMs(v: string | null): number | undefined {
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** POST lines as one gzip body and classify the answer. Never throws: a network failure is a `retry`. */
export async function writeLines(
  cfg: ResolvedSinkConfig,
  fetchFn: FetchFn,
  lines: readonly string[],
  signal: AbortSignal,
): Promise<WriteOutcome> {
  let status: number;
  let body: string;
  let retryAfter: string | null;
  try {
    const payload = await gzipAsync(Buffer.from(lines.join('\n')));
    const res = await fetchFn(writeUrl(cfg), { method: 'POST', headers: writeHeaders(cfg), body: payload, signal });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    body = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timeout after ${cfg.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { kind: 'retry', message: `${cfg.url} unreachable: ${why}` };
  }
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const message = errorMessage(body).slice(0, 2000) || `HTTP ${status}`;
  if (status === 401 || status === 403) return { kind: 'auth', status, message };
  if (status === 413) return { kind: 'too-large', status, message };
  if ((status === 400 || status === 422) && !CONFIG_PROBLEM.test(message)) return { kind: 'bad-data', status, message, body };
  const ra = retryAfterMs(retryAfter);
  return { kind: 'retry', status, message: `HTTP ${status}: ${message}`, ...(ra !== undefined ? { retryAfterMs: ra } : {}) };
}

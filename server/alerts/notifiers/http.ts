import { fetchError, type SendContext, type SendResult } from './types.js';

/**
 * One HTTP request of a notifier. Any 2xx is delivered; anything else is an error the delivery loop retries.
 * The error text never contains the URL, because for Slack, Teams and healthchecks the URL is the secret.
 */
export async function sendHttp(
  ctx: SendContext,
  url: string,
  init: { method?: 'POST' | 'GET'; body?: string; headers?: Record<string, string> },
): Promise<SendResult> {
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method: init.method ?? 'POST',
      headers: init.body !== undefined ? { 'content-type': 'application/json', ...init.headers } : init.headers,
      body: init.body,
      signal: ctx.signal,
      redirect: 'error',
    });
  } catch (err) {
    return { ok: false, error: fetchError(err) };
  }
  // Read the body either way so the connection is released; a short excerpt makes the error actionable.
  const text = await res.text().catch(() => '');
  if (res.ok) return { ok: true };
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const result: SendResult = { ok: false, error: `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}` };
  const retryAfter = Number(res.headers.get('retry-after'));
  if (res.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) result.retryAfterMs = retryAfter * 1000;
  return result;
}

/** Basic auth header, or nothing. */
export function basicAuth(username?: string, password?: string): Record<string, string> {
  if (username === undefined) return {};
  return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
}

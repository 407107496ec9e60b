/**
 * Poll `fn` until it returns something other than undefined, or fail naming what was awaited (with the last
 * error, if the check itself threw: a server not listening yet is expected, a timeout is the failure).
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms: number, everyMs = 200): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

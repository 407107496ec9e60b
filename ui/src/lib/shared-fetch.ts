/**
 * A fetch that calls made while it is in flight share: at start-up App, the page and an SSE event can all ask a
 * store for the same list, and one request answers them all.
 */
export function sharedFetch(run: () => Promise<void>): () => Promise<void> {
  let inflight: Promise<void> | null = null;
  return () => (inflight ??= run().finally(() => (inflight = null)));
}

import { api } from '../api.js';
import { sharedFetch } from '../shared-fetch.js';
import { events } from '../events.svelte.js';
import type { HealthReply } from '../types.js';

/** A reply this young counts as current when a page opens. */
const FRESH_MS = 5_000;

/** /api/health (version, sinks, device counts), refreshed by the `health` event and every 30 s for sink state. */
class Health {
  data = $state<HealthReply | null>(null);
  pollLagS = $state<number | null>(null);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly fetchShared = sharedFetch(() => this.fetch());
  /** When `data` was fetched (ms); 0 before the first reply. */
  private loadedAt = 0;

  constructor() {
    events.on('health', (h) => {
      this.pollLagS = h.pollLagS;
      void this.load();
    });
    events.onReconnect(() => void this.load());
  }

  /** Fetch now; calls while a fetch is in flight share it. */
  load(): Promise<void> {
    return this.fetchShared();
  }

  /**
   * Fetch unless a reply younger than `maxAgeMs` is at hand: the session's start-up check already fetched
   * /api/health (and `seed`ed it), and a page opening right after needs no second copy.
   */
  ensure(maxAgeMs = FRESH_MS): Promise<void> {
    return this.data && Date.now() - this.loadedAt < maxAgeMs ? Promise.resolve() : this.load();
  }

  /** A reply fetched elsewhere (the session's start-up check), taken as if this store had fetched it. */
  seed(reply: HealthReply): void {
    this.data = reply;
    this.loadedAt = Date.now();
    this.error = null;
  }

  /** Forget the reply when the session ends: the next login fetches its own. */
  reset(): void {
    this.data = null;
    this.loadedAt = 0;
  }

  /** For a page that shows sink state: fresh on open (unless just fetched), then every 30 s while it is open. */
  watch(): () => void {
    void this.ensure();
    this.timer ??= setInterval(() => void this.load(), 30_000);
    return () => {
      clearInterval(this.timer);
      this.timer = undefined;
    };
  }

  private async fetch(): Promise<void> {
    try {
      this.data = await api.health();
      this.loadedAt = Date.now();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}

export const health = new Health();

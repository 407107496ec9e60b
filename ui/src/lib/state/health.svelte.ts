import { api } from '../api.js';
import { events } from '../events.svelte.js';
import type { HealthReply } from '../types.js';

/** /api/health (version, sinks, device counts), refreshed by the `health` event and every 30 s for sink state. */
class Health {
  data = $state<HealthReply | null>(null);
  pollLagS = $state<number | null>(null);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    events.on('health', (h) => {
      this.pollLagS = h.pollLagS;
      void this.load();
    });
    events.onReconnect(() => void this.load());
  }

  async load(): Promise<void> {
    try {
      this.data = await api.health();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  watch(): () => void {
    void this.load();
    this.timer ??= setInterval(() => void this.load(), 30_000);
    return () => {
      clearInterval(this.timer);
      this.timer = undefined;
    };
  }
}

export const health = new Health();

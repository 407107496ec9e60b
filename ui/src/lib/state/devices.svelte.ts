import { api } from '../api.js';
import { events } from '../events.svelte.js';
import type { DeviceState, DeviceSummary } from '../types.js';

/**
 * The device list, kept live by SSE: state changes and poll times are patched in place (no refetch per poll,
 * which matters with 1,000 devices); a device we have not seen yet triggers one reload.
 */
class Devices {
  list = $state<DeviceSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  private index = new Map<string, number>();
  private reloading = false;

  constructor() {
    events.on('deviceState', (e) => {
      const d = this.get(e.device);
      if (d) d.state = e.state;
      else void this.load();
    });
    events.on('probeResult', (e) => {
      const d = this.get(e.device);
      if (!d) return void this.load();
      d.lastPoll = e.time;
      if (e.ok) {
        d.lastOk = e.time;
        d.lastError = null;
      } else d.lastError = e.error ?? 'failed';
    });
    events.onReconnect(() => void this.load());
  }

  get(name: string): DeviceSummary | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.list[i];
  }

  async load(): Promise<void> {
    if (this.reloading) return;
    this.reloading = true;
    try {
      const list = await api.devices();
      list.sort((a, b) => a.name.localeCompare(b.name));
      this.list = list;
      this.index = new Map(list.map((d, i) => [d.name, i]));
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.reloading = false;
    }
  }

  counts(filter: (d: DeviceSummary) => boolean): Record<DeviceState, number> & { total: number } {
    const c = { up: 0, down: 0, stale: 0, unknown: 0, total: 0 };
    for (const d of this.list) {
      if (!filter(d)) continue;
      c[d.state]++;
      c.total++;
    }
    return c;
  }
}

export const devices = new Devices();

import { api } from '../api.js';
import { events } from '../events.svelte.js';
import { devices } from './devices.svelte.js';

/** What the overview shows per UPS: the runtime left matters most while it is on battery. */
export interface UpsStatus {
  name: string;
  status?: string;
  onBattery: boolean;
  chargePct?: number;
  runtimeS?: number;
  loadPct?: number;
}

/**
 * The overview's UPS panel. The device list carries no values, so the few UPSs of a site are read one by one
 * (a site has a handful, not hundreds) and re-read after each of their polls.
 */
class UpsPanel {
  list = $state<UpsStatus[]>([]);
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Follows the UPSs' polls while the overview is open; the overview calls load() once the device list is in. */
  watch(): () => void {
    const off = events.on('probeResult', (e) => {
      if (e.class !== 'ups' || this.timers.has(e.device)) return;
      this.timers.set(
        e.device,
        setTimeout(() => {
          this.timers.delete(e.device);
          void this.loadOne(e.device);
        }, 500),
      );
    });
    return () => {
      off();
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
    };
  }

  async load(): Promise<void> {
    const names = devices.list.filter((d) => d.class === 'ups').map((d) => d.name).slice(0, 20);
    await Promise.all(names.map((n) => this.loadOne(n)));
  }

  private async loadOne(name: string): Promise<void> {
    const d = await api.device(name).catch(() => null);
    if (!d) return;
    const f = d.latest.find((v) => v.measurement === 'ups')?.fields ?? {};
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const s: UpsStatus = {
      name,
      status: typeof f.status === 'string' ? f.status : undefined,
      onBattery: f.on_battery === true,
      chargePct: num(f.battery_charge_pct),
      runtimeS: num(f.runtime_s),
      loadPct: num(f.load_pct),
    };
    const i = this.list.findIndex((u) => u.name === name);
    if (i >= 0) this.list[i] = s;
    else this.list.push(s);
  }
}

export const upsPanel = new UpsPanel();

import { api } from '../api.js';
import { alerts } from './alerts.svelte.js';
import type { MaintenanceEntry, NewMaintenance } from '../types.js';

/**
 * Maintenance windows: the config's (read-only here) and the dashboard's. There is no SSE event for a window,
 * so the list reloads after this UI's own changes and when a page that shows it opens; the alerts it
 * suppresses arrive as `alertChanged` events anyway.
 */
class Maintenance {
  list = $state<MaintenanceEntry[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.list = await api.maintenance();
      this.loaded = true;
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** Windows covering a device now, the dashboard's first (those can be ended from here). */
  activeFor(device: string, cls: string): MaintenanceEntry[] {
    return this.list
      .filter((m) => m.active && (m.window.device === undefined || m.window.device === device) && (m.window.class === undefined || m.window.class === cls))
      .sort((a, b) => Number(b.source === 'dashboard') - Number(a.source === 'dashboard'));
  }

  async add(w: NewMaintenance): Promise<void> {
    await api.addMaintenance(w);
    await Promise.all([this.load(), alerts.load()]);
  }

  async remove(id: number): Promise<void> {
    await api.deleteMaintenance(id);
    await Promise.all([this.load(), alerts.load()]);
  }
}

export const maintenance = new Maintenance();

/** "Sun 02:00 for 3h" or "12 Mar 10:00 – 14:00": how a window reads in a list. */
export function windowText(m: MaintenanceEntry, fmt: (ms: number) => string): string {
  const w = m.window;
  if ('end' in w) {
    const [from, to] = [fmt(Date.parse(w.start)), fmt(Date.parse(w.end))];
    // Same day: the end's date would only repeat the start's ("11/28/26, 8:30 AM – 9:30 AM").
    const [fromDay, toDay] = [from.split(', ')[0], to.split(', ')[0]];
    return fromDay === toDay && to.includes(', ') ? `${from} – ${to.slice(toDay!.length + 2)}` : `${from} – ${to}`;
  }
  return `every ${w.days.join(', ')} ${w.start} for ${String(w.duration)}${w.timezone ? ` (${w.timezone})` : ''}`;
}

export function scopeText(m: MaintenanceEntry): string {
  return m.window.device !== undefined ? m.window.device : m.window.class !== undefined ? `all of class ${m.window.class}` : 'whole site';
}

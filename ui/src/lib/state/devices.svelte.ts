import { api } from '../api.js';
import { sharedFetch } from '../shared-fetch.js';
import { SnapshotSync } from '../snapshot.js';
import type { DeviceState, DeviceSummary } from '../types.js';

/**
 * The device list, kept live by SSE: state changes and poll times are patched in place (no refetch per poll,
 * which matters with 1,000 devices); a device we have not seen yet triggers one reload. SnapshotSync keeps a
 * state change published while the list loads from being lost.
 */
class Devices {
  list = $state<DeviceSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  private index = new Map<string, number>();
  private readonly fetchShared = sharedFetch(() => this.fetch());
  /** A fetch started before the page asked (at start-up, next to /api/auth/me); the first load() takes it. */
  private early: Promise<void> | null = null;
  // Only a missed state change is worth a reload: a poll result comes every poll, so the next makes good a missed one.
  private readonly sync = new SnapshotSync(['deviceState'], () => void this.load());

  constructor() {
    this.sync.on('deviceState', (e) => {
      const d = this.get(e.device);
      if (d) d.state = e.state;
      else void this.load();
    });
    this.sync.on(
      'probeResult',
      (e) => {
        const d = this.get(e.device);
        if (!d) return void this.load();
        // Replayed over a newer list after a load: keep the newer poll.
        if (d.lastPoll !== null && e.time < d.lastPoll) return;
        d.lastPoll = e.time;
        // The first poll classifies a device: the overview's class tiles and the class filter follow without a refetch.
        if (e.class !== d.class) d.class = e.class;
        if (e.ok) {
          d.lastOk = e.time;
          d.lastError = null;
        } else d.lastError = e.error ?? 'failed';
      },
      { repeats: true },
    );
  }

  get(name: string): DeviceSummary | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.list[i];
  }

  /**
   * Start fetching the list now for a page that will load() it once the session is known. A 401 here (the
   * session ended meanwhile) goes through api.ts's handler to the login page, as any other 401 does.
   */
  prefetch(): void {
    if (this.early) return;
    const early: Promise<void> = this.fetchShared().then(() => {
      // A failed one is dropped, so a load() after logging in fetches afresh.
      if (!this.loaded && this.early === early) this.early = null;
    });
    this.early = early;
  }

  /**
   * Fetch the list. Calls while a fetch is in flight share it, so the page, an SSE event about a device not yet
   * listed and a reconnect never send two requests for one list. The first call takes the start-up prefetch,
   * finished or not.
   */
  load(): Promise<void> {
    const early = this.early;
    this.early = null;
    return early ?? this.fetchShared();
  }

  /** Forget the list when the session ends, so the next user's pages fetch their own. */
  reset(): void {
    this.list = [];
    this.index = new Map();
    this.early = null;
    this.loaded = false;
    this.error = null;
  }

  private async fetch(): Promise<void> {
    try {
      await this.sync.load(api.devices, (list) => {
        list.sort((a, b) => a.name.localeCompare(b.name));
        this.list = list;
        this.index = new Map(list.map((d, i) => [d.name, i]));
        this.loaded = true;
        this.error = null;
      });
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
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

import { api } from '../api.js';
import { sharedFetch } from '../shared-fetch.js';
import { SnapshotSync } from '../snapshot.js';
import type { Alert, AlertEvent } from '../types.js';

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

function isAlert(a: Record<string, unknown>): a is Alert & Record<string, unknown> {
  return typeof a.id === 'string' && typeof a.device === 'string' && typeof a.rule === 'string' && typeof a.startsAt === 'number';
}

/**
 * Active alerts and recent history. `alertChanged` events upsert or drop the active alert and prepend to the
 * history, so an acknowledgement by a colleague shows up without a reload; SnapshotSync makes sure an alert
 * raised while the list loads is neither lost nor listed twice.
 */
class Alerts {
  active = $state<Alert[]>([]);
  history = $state<AlertEvent[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  private readonly fetchShared = sharedFetch(() => this.fetch(false));
  private readonly sync = new SnapshotSync(['alertChanged'], () => void this.load());

  /** Critical first, then unacknowledged, then oldest first: the one that has waited longest is on top. */
  sorted = $derived(
    [...this.active].sort(
      (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || Number(!!a.ack) - Number(!!b.ack) || a.startsAt - b.startsAt,
    ),
  );

  constructor() {
    this.sync.on('alertChanged', (e) => {
      if (!isAlert(e.alert)) return;
      const alert = e.alert;
      const i = this.active.findIndex((a) => a.id === alert.id);
      if (e.type === 'resolved') {
        if (i >= 0) this.active.splice(i, 1);
      } else if (i >= 0) this.active[i] = alert;
      else this.active.push(alert);
      this.history.unshift({ type: e.type as AlertEvent['type'], alert, at: Date.now() });
      if (this.history.length > 200) this.history.length = 200;
    });
  }

  /**
   * Fetch the active alerts (and the history when asked). A plain load while one is in flight shares it: App (for
   * the navigation count) and the page it shows both ask at start-up.
   */
  load(withHistory = false): Promise<void> {
    if (withHistory) return this.fetch(true);
    return this.fetchShared();
  }

  /** For App's header count: fetch only if nothing is loaded yet, as `alertChanged` keeps them current. */
  ensure(): Promise<void> {
    return this.loaded ? Promise.resolve() : this.load();
  }

  /** Forget what the previous session saw. */
  reset(): void {
    this.active = [];
    this.history = [];
    this.loaded = false;
    this.error = null;
  }

  private async fetch(withHistory: boolean): Promise<void> {
    try {
      await this.sync.load(
        async () => {
          const [active, history] = await Promise.all([api.alerts(), withHistory ? api.alertHistory({ limit: 200 }) : Promise.resolve(null)]);
          // The older of the two stamps: events after it are applied to both lists, which for the newer one
          // can only repeat what it shows (an upsert) or, rarely, list a history entry twice.
          const stamps = history ? [active.stamp, history.stamp] : [active.stamp];
          const stamp = stamps.reduce((a, b) => (a && b && b.seq < a.seq ? b : a && b ? a : null));
          return { data: { active: active.data, history: history?.data ?? null }, stamp };
        },
        ({ active, history }) => {
          this.active = active;
          if (history) this.history = history;
          this.loaded = true;
          this.error = null;
        },
      );
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  forDevice(name: string): Alert[] {
    return this.sorted.filter((a) => a.device === name);
  }

  async ack(id: string, note: string): Promise<void> {
    this.replace(await api.ack(id, note));
  }

  async silence(id: string, until: number): Promise<void> {
    this.replace(await api.silence(id, until));
  }

  private replace(alert: Alert): void {
    const i = this.active.findIndex((a) => a.id === alert.id);
    if (i >= 0) this.active[i] = alert;
  }
}

export const alerts = new Alerts();

import { api } from '../api.js';
import type { SlaReport } from '../types.js';

/** The month before the current one, as YYYY-MM: what an MSP reports on at the start of a month. */
function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The monthly availability report shown on the Reports page. */
class ReportsState {
  month = $state(lastMonth());
  report = $state<SlaReport | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.report = await api.sla(this.month);
    } catch (err) {
      this.report = null;
      this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }
}

export const reports = new ReportsState();

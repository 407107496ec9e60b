import type BetterSqlite3 from 'better-sqlite3';
import { emptyState } from './engine.js';
import { instanceKey } from './id.js';
import type { Alert, AlertEvent, AlertEventType } from './schema.js';
import type { EngineState, InstanceState } from './types.js';

/**
 * Alert persistence in the embedded SQLite store: every event (the dashboard's history, an audit trail of
 * acks and silences), the active alerts, and the engine's state so a restart neither re-pages nor forgets.
 *
 * `alert_active` is the truth about which alerts are active: it is written in the same transaction as each
 * event. The engine state snapshot may be older (it is bigger, so callers save it less often); restore()
 * reconciles the two so an alert is neither resurrected nor fired twice.
 */
export class AlertHistory {
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly upsertActive: BetterSqlite3.Statement;
  private readonly deleteActive: BetterSqlite3.Statement;
  private readonly upsertState: BetterSqlite3.Statement;
  private readonly writeEvents: (events: readonly AlertEvent[]) => void;
  private readonly writeAll: (state: EngineState, events: readonly AlertEvent[], at: number) => void;

  constructor(private readonly db: BetterSqlite3.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS alert_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        device TEXT NOT NULL,
        severity TEXT NOT NULL,
        summary TEXT NOT NULL,
        alert TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS alert_history_device_at ON alert_history (device, at);
      CREATE INDEX IF NOT EXISTS alert_history_alert_id ON alert_history (alert_id, at);
      CREATE INDEX IF NOT EXISTS alert_history_at ON alert_history (at);
      CREATE TABLE IF NOT EXISTS alert_active (
        alert_id TEXT PRIMARY KEY,
        device TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        alert TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS alert_engine_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        saved_at INTEGER NOT NULL,
        state TEXT NOT NULL
      );
    `);
    this.insertEvent = db.prepare(
      'INSERT INTO alert_history (at, type, alert_id, rule, device, severity, summary, alert) VALUES (@at, @type, @id, @rule, @device, @severity, @summary, @alert)',
    );
    this.upsertActive = db.prepare(
      'INSERT INTO alert_active (alert_id, device, updated_at, alert) VALUES (@id, @device, @at, @alert) ON CONFLICT (alert_id) DO UPDATE SET device = excluded.device, updated_at = excluded.updated_at, alert = excluded.alert',
    );
    this.deleteActive = db.prepare('DELETE FROM alert_active WHERE alert_id = ?');
    this.upsertState = db.prepare(
      'INSERT INTO alert_engine_state (id, version, saved_at, state) VALUES (1, @version, @at, @state) ON CONFLICT (id) DO UPDATE SET version = excluded.version, saved_at = excluded.saved_at, state = excluded.state',
    );
    this.writeEvents = db.transaction((events: readonly AlertEvent[]) => {
      for (const e of events) this.writeEvent(e);
    });
    this.writeAll = db.transaction((state: EngineState, events: readonly AlertEvent[], at: number) => {
      for (const e of events) this.writeEvent(e);
      this.upsertState.run({ version: state.version, at, state: JSON.stringify(state) });
    });
  }

  /** Append events and keep alert_active in step, atomically. */
  record(events: readonly AlertEvent[]): void {
    if (events.length) this.writeEvents(events);
  }

  /** Snapshot the engine state (JSON). */
  saveState(state: EngineState, at: number): void {
    this.upsertState.run({ version: state.version, at, state: JSON.stringify(state) });
  }

  /** Events and state together: what to call after a step that produced events. */
  commit(state: EngineState, events: readonly AlertEvent[], at: number): void {
    this.writeAll(state, events, at);
  }

  activeAlerts(): Alert[] {
    const rows = this.db.prepare('SELECT alert FROM alert_active ORDER BY updated_at').all() as { alert: string }[];
    return rows.map((r) => JSON.parse(r.alert) as Alert);
  }

  /** Newest first. */
  events(filter: { device?: string; alertId?: string; since?: number; until?: number; types?: AlertEventType[]; limit?: number } = {}): AlertEvent[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: Math.max(1, Math.min(filter.limit ?? 100, 10_000)) };
    if (filter.device !== undefined) (where.push('device = @device'), (params.device = filter.device));
    if (filter.alertId !== undefined) (where.push('alert_id = @alertId'), (params.alertId = filter.alertId));
    if (filter.since !== undefined) (where.push('at >= @since'), (params.since = filter.since));
    if (filter.until !== undefined) (where.push('at < @until'), (params.until = filter.until));
    if (filter.types?.length) {
      const names = filter.types.map((t, i) => ((params[`t${i}`] = t), `@t${i}`));
      where.push(`type IN (${names.join(', ')})`);
    }
    const sql = `SELECT at, type, alert FROM alert_history ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    const rows = this.db.prepare(sql).all(params) as { at: number; type: AlertEventType; alert: string }[];
    return rows.map((r) => ({ type: r.type, at: r.at, alert: JSON.parse(r.alert) as Alert }));
  }

  /** Drop history older than `before` (ms); active alerts are kept whatever their age. Returns rows removed. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM alert_history WHERE at < ?').run(before).changes;
  }

  /**
   * The state to start the engine with. The snapshot provides memory (counts, armed ports, flap history);
   * alert_active decides which alerts are active: ones resolved after the snapshot are dropped (their
   * condition re-raises from fresh data if it still holds), ones fired after it are put back, so they resolve
   * with fresh data instead of firing a second time.
   */
  restore(): EngineState {
    const state = this.loadSnapshot() ?? emptyState();
    const active = new Map(this.activeAlerts().map((a) => [a.id, a]));
    for (const [id, key] of Object.entries(state.byId)) {
      const inst = state.instances[key];
      const truth = active.get(id);
      if (!inst?.alert || !truth) {
        delete state.byId[id];
        if (inst) {
          delete inst.alert;
          inst.level = 'none';
          inst.count = 0;
          delete inst.since;
        }
        continue;
      }
      inst.alert = truth;
      active.delete(id);
    }
    for (const alert of active.values()) adoptAlert(state, alert);
    return state;
  }

  private loadSnapshot(): EngineState | undefined {
    const row = this.db.prepare('SELECT version, state FROM alert_engine_state WHERE id = 1').get() as { version: number; state: string } | undefined;
    if (!row || row.version !== 1) return undefined;
    try {
      const s = JSON.parse(row.state) as EngineState;
      const ok = s && s.version === 1 && [s.devices, s.instances, s.byId, s.children, s.pending].every((o) => o && typeof o === 'object');
      return ok ? s : undefined;
    } catch {
      // A torn or hand-edited snapshot is not worth refusing to start over: alert_active still restores alerts.
      return undefined;
    }
  }

  private writeEvent(e: AlertEvent): void {
    const a = e.alert;
    const json = JSON.stringify(a);
    this.insertEvent.run({ at: e.at, type: e.type, id: a.id, rule: a.rule, device: a.device, severity: a.severity, summary: a.summary, alert: json });
    if (e.type === 'resolved') this.deleteActive.run(a.id);
    else this.upsertActive.run({ id: a.id, device: a.device, at: e.at, alert: json });
  }
}

/** Rebuild the instance of an alert the snapshot did not know, so data can resolve it. */
function adoptAlert(state: EngineState, alert: Alert): void {
  const key = instanceKey(alert.rule, alert.device, alert.instance);
  const inst: InstanceState = {
    id: alert.id,
    rule: alert.rule,
    device: alert.device,
    level: alert.severity,
    since: alert.startsAt,
    count: 1,
    lastSeen: alert.startsAt,
    alert,
  };
  if (alert.instance !== undefined) inst.instance = alert.instance;
  if (alert.value !== undefined) inst.value = alert.value;
  state.instances[key] = inst;
  state.byId[alert.id] = key;
  state.devices[alert.device] ??= { class: alert.class, probes: {}, seen: {} };
}

import Database from 'better-sqlite3';
import type { Alert, AlertEvent, AlertEventType } from '../../../../server/alerts/schema.js';
import { NotificationService, type NotificationServiceOptions } from '../../../../server/alerts/delivery.js';
import type { ProbeLogger } from '../../../../probes/types.js';

/** A UPS-on-battery alert as the engine emits it. */
export function upsAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4e5f6',
    rule: 'UpsOnBattery',
    name: 'UpsOnBattery',
    device: 'ups1',
    class: 'ups',
    severity: 'critical',
    summary: 'ups1 on battery, 62 % charge, 14 min runtime',
    labels: { alertname: 'UpsOnBattery', device: 'ups1', class: 'ups', severity: 'critical', site: 'acme-dental' },
    startsAt: Date.parse('2026-03-07T10:02:07Z'),
    flapping: false,
    notified: true,
    ...over,
  };
}

export function event(type: AlertEventType, alert: Alert, at: number): AlertEvent {
  return { type, alert, at };
}

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
export function memoryLog(): ProbeLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (obj: object | string, msg?: string) => lines.push(`${msg ?? ''} ${typeof obj === 'string' ? obj : JSON.stringify(obj)}`);
  return { lines, debug: push, info: push, warn: push, error: push };
}

/** A service over an in-memory DB (or the given one) with a settable clock. */
export function service(opts: Partial<NotificationServiceOptions> & Pick<NotificationServiceOptions, 'notify'>, clock = { t: Date.parse('2026-03-07T10:03:00Z') }) {
  const db = opts.db ?? new Database(':memory:');
  const log = memoryLog();
  const svc = new NotificationService({ db, site: 'acme-dental', log, version: '0.1.0-test', healthSnapshot: () => ({ poll_lag_s: 1 }), now: () => clock.t, random: () => 0.5, ...opts });
  return { svc, db, log, clock };
}

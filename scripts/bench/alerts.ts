import Database from 'better-sqlite3';
import { AlertService } from '../../server/alerts/service.js';
import { validateConfig } from '../../server/config/load.js';
import { silentLogger } from '../../probes/types.js';
import type { BenchCaseResult } from './common.js';
import type { AlertEvent } from '../../server/alerts/schema.js';
import { benchDelivery } from './alerts-delivery.js';

/**
 * Alert latency inside Outpost: from the sample that completes a state change (the rule's `polls: 3` down
 * samples) to the engine's `firing` event, i.e. engine step + history write. The rule's own hold time (3 polls)
 * is configuration, not latency, so it is reported apart. The anchor is an ordinary sample step on the same
 * engine and devices (no state change), measured in the same run.
 * Then delivery: some of those firing events through the real NotificationService to a loopback webhook,
 * against a bare POST of the same body (scripts/bench/alerts-delivery.ts).
 */
export async function benchAlerts(opts: { devices: number; rounds: number; deliveries?: number }): Promise<BenchCaseResult> {
  const deliveries = opts.deliveries ?? 40;
  const devices = Array.from({ length: opts.devices }, (_, i) => ({ name: `d${i}`, host: '127.0.0.1', snmp: 'c' }));
  const res = validateConfig({ site: { id: 'bench' }, credentials: { c: { version: '2c', community: 'x' } }, devices }, {});
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  const db = new Database(':memory:');
  let clock = Date.UTC(2026, 0, 1);
  const svc = new AlertService(db, res.config, silentLogger, () => clock);
  const points = [{ measurement: 'system', tags: {}, fields: { uptime_s: 1000, cpu_pct: 12 } }];
  const sample = (device: string, ok: boolean) =>
    svc.sample({ device, class: 'switch', probe: 'snmp', ok, ...(ok ? {} : { error: 'timeout' }), points: ok ? points : [], time: clock });
  const steady: number[] = [];
  const firing: number[] = [];
  let heldPolls = 0;
  // The first firing events, with distinct alert ids, go through the notification service afterwards.
  const toDeliver: AlertEvent[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    for (let k = 0; k < 3; k++) {
      clock += 60_000;
      for (const d of devices) {
        const t = performance.now();
        sample(d.name, true);
        steady.push(performance.now() - t);
      }
    }
    // Every device goes down: the sample that brings the firing event is timed.
    for (const d of devices) {
      for (let k = 1; k <= 10; k++) {
        clock += 60_000;
        const t = performance.now();
        const ev = sample(d.name, false);
        const took = performance.now() - t;
        const fired = ev.find((e) => e.type === 'firing');
        if (fired) {
          firing.push(took);
          if (toDeliver.length < deliveries) toDeliver.push(fired);
          heldPolls = k;
          break;
        }
      }
    }
    clock += 60_000;
    for (const d of devices) sample(d.name, true);
  }
  db.close();
  if (firing.length !== opts.devices * opts.rounds) throw new Error(`only ${firing.length} of ${opts.devices * opts.rounds} outages fired`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const f = median(firing);
  const s = median(steady);
  const d = await benchDelivery(toDeliver);
  return {
    rows: [
      {
        case: 'Alerts',
        metric: 'state change → firing event (ms)',
        outpost: f,
        anchor: 'steady sample step, same engine',
        anchorValue: s,
        ratio: f / s,
        note: `engine step + history write, median of ${firing.length}; fired at down poll ${heldPolls} (the rule's hold, configuration not latency)`,
      },
      {
        case: 'Alerts',
        metric: 'firing → webhook delivered, median (ms)',
        outpost: d.outpost.medianMs,
        anchor: 'bare fetch POST of the same signed body',
        anchorValue: d.bare.medianMs,
        ratio: d.outpost.medianMs / d.bare.medianMs,
        note: `${d.alerts} alerts one at a time; NotificationService: outbox row (on-disk SQLite) + route + render + HMAC + POST to a loopback receiver. Not in it: the rule's hold, the poll (end to end poll → Alertmanager ≈ 2.0–2.9 s beyond the debounce, trap ≈ 0.55 s: test/integration/ups-on-battery.test.ts), WAN`,
      },
      {
        case: 'Alerts',
        metric: 'firing → webhook delivered, p95 (ms)',
        outpost: d.outpost.p95Ms,
        anchor: 'bare fetch POST, p95',
        anchorValue: d.bare.p95Ms,
        ratio: d.outpost.p95Ms / d.bare.p95Ms,
      },
    ],
    detail: { firingMs: f, steadyMs: s, samples: steady.length, outages: firing.length, heldPolls, delivery: d },
  };
}

import Database from 'better-sqlite3';
import { AlertService } from '../../server/alerts/service.js';
import { validateConfig } from '../../server/config/load.js';
import { silentLogger } from '../../probes/types.js';
import type { BenchCaseResult } from './common.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';

/**
 * Alert latency inside Outpost: from the sample that completes a state change (the rule's `polls: 3` down
 * samples) to the engine's `firing` event, i.e. engine step + history write. The rule's own hold time (3 polls)
 * is configuration, not latency, so it is reported apart. The anchor is an ordinary sample step on the same
 * engine and devices (no state change), measured in the same run.
 */
export async function benchAlerts(opts: { devices: number; rounds: number }): Promise<BenchCaseResult> {
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
        if (ev.some((e) => e.type === 'firing')) {
          firing.push(took);
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
  const notifiers = existsSync(join(PACKAGE_ROOT, 'server', 'alerts', 'notifiers'));
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
      ...(notifiers
        ? [{ case: 'Alerts', metric: 'firing → notifier delivered', outpost: 'TODO', anchor: 'not measured yet', anchorValue: '', note: 'server/alerts/notifiers exists: delivery latency (queue + HTTP/SMTP) is not part of this row' }]
        : []),
    ],
    detail: { firingMs: f, steadyMs: s, samples: steady.length, outages: firing.length, heldPolls },
  };
}

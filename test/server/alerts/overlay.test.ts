import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AlertService } from '../../../server/alerts/service.js';
import { AlertsConfigError } from '../../../server/alerts/rules.js';
import { checkOverride } from '../../../server/alerts/overlay.js';
import type { EffectiveRule } from '../../../server/alerts/schema.js';
import { silentLogger } from '../../../probes/types.js';
import { config, tempDir } from '../../helpers/app.js';
import { T0, S, MIN, pt } from './harness.js';

const site = (rules: object[] = [], maintenance: object[] = []) =>
  config({
    site: { id: 'overlay-test' },
    credentials: { lan: { version: '2c', community: 'public' } },
    devices: [
      { name: 'ups1', host: '127.0.0.1', snmp: 'lan' },
      { name: 'ups2', host: '127.0.0.2', snmp: 'lan' },
    ],
    alerts: { rules, maintenance },
  });

/** A service on a database file in a temp dir, with a clock the test moves. */
function setup(t: Tap, cfg = site()) {
  const path = join(tempDir(t), 'outpost.db');
  const clock = { now: T0 };
  const open = (c = cfg) => {
    const db = new Database(path);
    t.teardown(() => db.close());
    return new AlertService(db, c, silentLogger, () => clock.now);
  };
  return { open, clock, path };
}
type Tap = Parameters<typeof tempDir>[0];

const rule = (svc: AlertService, name: string, device = 'ups1'): EffectiveRule => svc.rulesFor(device, 'ups').find((r) => r.name === name)!;
const charge = (svc: AlertService, at: number, pct: number, device = 'ups1') =>
  svc.sample({ device, class: 'ups', probe: 'snmp', ok: true, time: at, points: [pt('ups', { battery_charge_pct: pct })] });

t.test('dashboard overrides apply after the config: same scope the dashboard wins, a narrower config scope still beats it', async (t) => {
  const { open } = setup(t, site([{ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 70 } }]));
  const svc = open();
  t.match(rule(svc, 'UpsChargeLow').warn, { value: 70, origin: 'device', source: 'config' });

  svc.setOverride({ rule: 'UpsChargeLow', class: 'ups', warn: { value: 90 } }, 'admin1');
  t.match(rule(svc, 'UpsChargeLow').warn, { value: 70, origin: 'device', source: 'config' }, 'device config beats class dashboard');
  t.match(rule(svc, 'UpsChargeLow', 'ups2').warn, { value: 90, origin: 'class', source: 'dashboard' }, 'the class override reaches the other UPS');

  svc.setOverride({ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 80 }, for: '5s' }, 'admin1');
  const eff = rule(svc, 'UpsChargeLow');
  t.match(eff.warn, { value: 80, clear: 90, origin: 'device', source: 'dashboard' }, 'same scope: dashboard wins, and keeps the default 10-point hysteresis gap');
  t.match(eff, { forMs: 5000, forOrigin: 'device', forSource: 'dashboard' });
  t.match(eff.critical, { value: 20, origin: 'default' });
  t.equal(eff.critical?.source, undefined, 'a default level has no source');

  // Replacing, not stacking: a second PUT at the same scope drops the first one's `for`.
  svc.setOverride({ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 85, clear: 95 } }, 'admin2');
  t.match(rule(svc, 'UpsChargeLow'), { warn: { value: 85, clear: 95, source: 'dashboard' }, forMs: 60_000, forOrigin: 'default' });
  t.match(
    svc.overrides().map((o) => [o.source, o.rule, o.device ?? o.class ?? 'site', o.setBy]),
    [
      ['config', 'UpsChargeLow', 'ups1', undefined],
      ['dashboard', 'UpsChargeLow', 'ups', 'admin1'],
      ['dashboard', 'UpsChargeLow', 'ups1', 'admin2'],
    ],
  );

  t.equal(svc.deleteOverride({ rule: 'UpsChargeLow', device: 'ups1' }), true);
  t.equal(svc.deleteOverride({ rule: 'UpsChargeLow', device: 'ups1' }), false, 'nothing left to delete');
  t.match(rule(svc, 'UpsChargeLow').warn, { value: 70, source: 'config' }, 'reset falls back to the config override');
});

t.test('overrides and windows survive a restart (a new service on the same database) and a config reload', async (t) => {
  const { open, clock } = setup(t);
  const first = open();
  first.setOverride({ rule: 'PingLatency', warn: { value: 5 }, disabled: false }, 'admin1');
  const w = first.addMaintenance({ device: 'ups2', duration: '2h', reason: 'battery swap' }, 'tech1');
  t.match(w, { id: Number, source: 'dashboard', active: true, createdBy: 'tech1', window: { device: 'ups2', reason: 'battery swap' } });
  first.stop();

  clock.now += MIN;
  const second = open();
  t.match(second.rulesFor('ups1', 'ups').find((r) => r.name === 'PingLatency')!.warn, { value: 5, origin: 'site', source: 'dashboard' });
  t.match(second.maintenance(), [{ id: w.id, source: 'dashboard', active: true, window: { device: 'ups2' } }]);

  second.setConfig(site([], [{ device: 'ups1', days: ['sun'], start: '02:00', duration: '1h' }]));
  t.match(second.rulesFor('ups1', 'ups').find((r) => r.name === 'PingLatency')!.warn, { value: 5, source: 'dashboard' }, 'a reload keeps the dashboard layer');
  t.match(
    second.maintenance().map((m) => [m.source, m.active]),
    [
      ['config', false],
      ['dashboard', true],
    ],
  );

  clock.now += 2 * 60 * MIN;
  t.same(second.maintenance().map((m) => m.source), ['config'], 'an ended dashboard window is no longer listed');
});

t.test('a dashboard override is checked like a config override, with paths relative to the body', async (t) => {
  const cases: Array<[string, Parameters<typeof checkOverride>[0], string, RegExp]> = [
    ['unknown rule', { rule: 'UpsChargeTooLow', warn: { value: 5 } }, 'rule', /unknown rule UpsChargeTooLow; known: .*UpsChargeLow/],
    ['threshold on a stale rule', { rule: 'DeviceStale', warn: { value: 5 } }, 'warn', /DeviceStale has no thresholds/],
    ['wrong value type', { rule: 'UpsOnBattery', critical: { value: 5 } }, 'critical.value', /compares boolean values, got 5/],
    ['clear above a "fires above" threshold', { rule: 'PingLatency', warn: { value: 100, clear: 120 } }, 'warn.clear', /fires above 100; clear must be at or below it, got 120/],
    ['clear below a "fires below" threshold', { rule: 'UpsChargeLow', critical: { value: 20, clear: 10 } }, 'critical.clear', /fires below 20; clear must be at or above it, got 10/],
    ['device and class together', { rule: 'PingLatency', device: 'ups1', class: 'ups', warn: { value: 5 } }, 'class', /not both/],
    ['nothing to change', { rule: 'PingLatency', device: 'ups1' }, '', /at least one of/],
  ];
  for (const [name, o, path, message] of cases) {
    const problems = checkOverride(o);
    t.equal(problems.length, 1, name);
    t.equal(problems[0]?.path, path, `${name}: path`);
    t.match(problems[0]?.message, message, `${name}: message`);
  }
  t.same(checkOverride({ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 101 }, critical: false, for: '1s' }), [], 'a sound override has no problems');

  const { open } = setup(t);
  const svc = open();
  t.throws(() => svc.setOverride({ rule: 'NoSuchRule', warn: { value: 1 } }, 'admin1'), AlertsConfigError);
  t.same(svc.overrides(), [], 'a refused override is not stored');
  t.throws(() => svc.addMaintenance({ device: 'ups1' }, 'tech1'), { message: /end: give either end or duration/ });
  t.throws(() => svc.addMaintenance({ device: 'ups1', start: '2026-01-05T12:00:00Z', end: '2026-01-05T11:00:00Z' }, 'tech1'), { message: /must end after it starts/ });
  t.throws(() => svc.addMaintenance({ device: 'ups1', start: '2025-01-05T10:00:00Z', end: '2025-01-05T11:00:00Z' }, 'tech1'), { message: /already over/ });
});

t.test('a stored override that no longer fits the rule pack is skipped, not fatal', async (t) => {
  const { open, path } = setup(t);
  const first = open();
  first.setOverride({ rule: 'PingLatency', warn: { value: 5 } }, 'admin1');
  first.stop();
  // What an upgrade that renamed a rule would leave behind.
  const db = new Database(path);
  db.prepare("UPDATE alert_rule_overrides SET rule = 'RenamedAway'").run();
  db.close();
  const second = open();
  t.match(second.rulesFor('ups1', 'ups').find((r) => r.name === 'PingLatency')!.warn, { value: 100, origin: 'default' });
  t.match(second.overrides(), [{ rule: 'RenamedAway', source: 'dashboard' }], 'still listed, so an admin can delete it');
});

t.test('the engine acts on the dashboard layer at once: a threshold fires, a reset resolves, a window suppresses', async (t) => {
  const { open, clock } = setup(t);
  const svc = open();
  t.same(charge(svc, clock.now, 100), [], 'a full battery is fine by default');
  svc.setOverride({ rule: 'UpsChargeLow', device: 'ups1', warn: { value: 101 }, for: '1s' }, 'admin1');
  clock.now += 5 * S;
  charge(svc, clock.now, 100);
  clock.now += 5 * S;
  const fired = charge(svc, clock.now, 100);
  t.match(fired, [{ type: 'firing', alert: { rule: 'UpsChargeLow', device: 'ups1', severity: 'warning', value: 100 } }]);
  t.equal(svc.active().length, 1);

  svc.addMaintenance({ device: 'ups1', duration: '1h', reason: 'swap' }, 'tech1');
  t.match(svc.active(), [{ rule: 'UpsChargeLow', maintenance: true }], 'the window marks the active alert at once');
  t.equal(rule(svc, 'UpsChargeLow', 'ups2').warn?.value, 50, 'the other UPS keeps the default');
  const id = svc.maintenance()[0]!.id!;
  t.ok(svc.deleteMaintenance(id));
  t.notOk(svc.active()[0]?.maintenance, 'ending the window un-marks it');

  svc.deleteOverride({ rule: 'UpsChargeLow', device: 'ups1' });
  clock.now += 5 * S;
  t.match(charge(svc, clock.now, 100), [{ type: 'resolved', alert: { rule: 'UpsChargeLow' } }], 'the reset threshold no longer holds');
  t.same(svc.active(), []);
});

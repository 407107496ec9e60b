import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AlertService } from '../../../server/alerts/service.js';
import { silentLogger } from '../../../probes/types.js';
import { config, tempDir } from '../../helpers/app.js';
import { T0, S, MIN, pt } from './harness.js';

/** A device taken out of the config is a decision, not an outage: no DeviceStale, and its alerts resolve. */
const site = (names: string[]) =>
  config({
    site: { id: 'removed-test' },
    credentials: { lan: { version: '2c', community: 'public' } },
    defaults: { interval: '10s' },
    devices: names.map((name, i) => ({ name, host: `127.0.0.${i + 1}`, snmp: 'lan' })),
    alerts: { rules: [{ rule: 'UpsChargeLow', warn: { value: 50 }, for: '1s' }] },
  });

function setup(t: Parameters<typeof tempDir>[0]) {
  const path = join(tempDir(t), 'outpost.db');
  const clock = { now: T0 };
  const open = (names: string[]) => {
    const db = new Database(path);
    t.teardown(() => db.close());
    return new AlertService(db, site(names), silentLogger, () => clock.now);
  };
  return { open, clock };
}

const lowCharge = (svc: AlertService, device: string, at: number) =>
  svc.sample({ device, class: 'ups', probe: 'snmp', ok: true, time: at, points: [pt('ups', { battery_charge_pct: 10 })] });

t.test('removing a device by reload resolves its alerts and raises no DeviceStale; the others stay', async (t) => {
  const { open, clock } = setup(t);
  const svc = open(['ups1', 'ups2']);
  for (let i = 0; i < 3; i++) {
    clock.now = T0 + i * 10 * S;
    lowCharge(svc, 'ups1', clock.now);
    lowCharge(svc, 'ups2', clock.now);
    svc.tick();
  }
  t.same(svc.active().map((a) => a.device).sort(), ['ups1', 'ups2'], 'both UPSes fired');

  const events: string[] = [];
  svc.onEvents((evs) => events.push(...evs.map((e) => `${e.type} ${e.alert.rule} ${e.alert.device}`)));
  svc.setConfig(site(['ups2']));
  t.same(events, ['resolved UpsChargeLow ups1'], 'the removed device’s alert resolved at once');

  // Long past three intervals: without the fix ups1 would now be DeviceStale.
  for (let m = 1; m <= 10; m++) {
    clock.now = T0 + m * MIN;
    lowCharge(svc, 'ups2', clock.now);
    svc.tick();
  }
  t.same(svc.active().map((a) => `${a.rule} ${a.device}`), ['UpsChargeLow ups2']);
  t.notOk(events.some((e) => e.includes('DeviceStale')), 'no stale alert for the removed device');
});

t.test('a device removed while Outpost was stopped is forgotten at start; a pushed-only host is kept', async (t) => {
  const { open, clock } = setup(t);
  const first = open(['ups1', 'ups2']);
  for (let i = 0; i < 3; i++) {
    clock.now = T0 + i * 10 * S;
    lowCharge(first, 'ups1', clock.now);
    lowCharge(first, 'ups2', clock.now);
    first.tick();
  }
  // A server that only pushes SMART data is not in `devices:` and must not be forgotten.
  first.sample({ device: 'srv-push', class: 'server', probe: 'smart', ok: true, time: clock.now, points: [pt('disk', { health: 'ok' }, { disk: 'sda' })] });
  first.stop();

  clock.now += 5 * MIN;
  const second = open(['ups2']);
  t.same(second.active().map((a) => a.device), ['ups2'], 'ups1 resolved on start');
  const resolved = second.history.events({ device: 'ups1', limit: 10 }).map((e) => e.type);
  t.ok(resolved.includes('resolved'), 'the resolve is in the history');
  second.tick();
  t.notOk(second.active().some((a) => a.device === 'ups1'), 'and nothing new for ups1 after a tick');
  t.ok((second as unknown as { state: { devices: Record<string, unknown> } }).state.devices['srv-push'], 'the SMART-push host is still known');
});

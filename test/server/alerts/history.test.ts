import t from 'tap';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AlertHistory } from '../../../server/alerts/history.js';
import { Harness, MIN, S, T0, brief, pt } from './harness.js';

const ups = (onBattery: boolean) => [pt('ups', { on_battery: onBattery, battery_charge_pct: 90, runtime_s: 3600 })];
const vol = (v: number) => [pt('storage', { used_pct: v }, { name: 'vol1' })];
const port = (up: boolean) => [pt('interface', { oper_up: up, admin_up: true }, { ifName: 'p1' })];

function open(file: string): { db: Database.Database; history: AlertHistory } {
  const db = new Database(file);
  return { db, history: new AlertHistory(db) };
}

t.test('history persists events, active alerts and engine state across a restart', async (t) => {
  const file = join(t.testdir(), 'outpost.db');
  const h = new Harness();
  let { db, history } = open(file);
  const save = (at: number) => {
    history.commit(h.state, h.events, T0 + at);
    h.events = [];
  };

  h.sample(0, 'ups1', 'ups', ups(true));
  h.sample(0, 'nas1', 'nas', vol(97));
  h.sample(0, 'sw1', 'switch', port(true));
  save(0);
  h.sample(40 * S, 'ups1', 'ups', ups(true));
  const nasAlert = h.find('StorageNearlyFull', 'nas1')!;
  h.ack(50 * S, nasAlert.id, 'ann', 'disk ordered');
  save(50 * S);
  const before = JSON.parse(JSON.stringify(h.state));
  db.close();

  ({ db, history } = open(file));
  t.teardown(() => db.close());
  const restored = history.restore();
  t.same(restored, before, 'the engine state round-trips');
  t.same(
    history.activeAlerts().map((a) => [a.name, a.device, a.ack?.note]).sort(),
    [
      ['StorageNearlyFull', 'nas1', 'disk ordered'],
      ['UpsOnBattery', 'ups1', undefined],
    ],
  );
  t.same(
    history.events({ device: 'ups1' }).map((e) => [e.type, e.alert.name]),
    [['firing', 'UpsOnBattery']],
  );
  t.same(
    history.events({ types: ['acknowledged'] }).map((e) => [e.alert.device, e.alert.ack?.user, e.at - T0]),
    [['nas1', 'ann', 50 * S]],
  );

  // Carry on after the restart: nothing pages twice, memory (the armed port) survived.
  h.state = restored;
  h.sample(MIN, 'ups1', 'ups', ups(false));
  h.sample(MIN, 'nas1', 'nas', vol(97));
  h.sample(MIN, 'sw1', 'switch', port(false));
  h.sample(2 * MIN, 'sw1', 'switch', port(false));
  t.same(brief(h.events), [
    ['resolved', 'UpsOnBattery', 'ups1', 60],
    ['firing', 'InterfaceDown', 'sw1', 120],
  ]);
  history.commit(h.state, h.events, T0 + 2 * MIN);
  t.same(history.activeAlerts().map((a) => a.name).sort(), ['InterfaceDown', 'StorageNearlyFull']);
  t.same(
    history.events({ device: 'ups1' }).map((e) => e.type),
    ['resolved', 'firing'],
    'newest first',
  );
  t.equal(history.prune(T0 + 90 * S), 4, 'the 4 events before the cut (2 firing, 1 ack, 1 resolve) are pruned');
  t.equal(history.activeAlerts().length, 2, 'pruning history never touches active alerts');
});

t.test('restore reconciles a snapshot older than the active alerts', async (t) => {
  const file = join(t.testdir(), 'outpost.db');
  const h = new Harness();
  let { db, history } = open(file);
  h.sample(0, 'ups1', 'ups', ups(true));
  h.sample(40 * S, 'ups1', 'ups', ups(true));
  history.commit(h.state, h.events, T0 + 40 * S);
  h.events = [];
  // After the snapshot: the UPS alert resolves and a storage alert fires; only the events get written.
  h.sample(MIN, 'ups1', 'ups', ups(false));
  h.sample(MIN, 'nas1', 'nas', vol(97));
  history.record(h.events);
  db.close();

  ({ db, history } = open(file));
  t.teardown(() => db.close());
  const r = new Harness();
  r.state = history.restore();
  t.same(r.active().map((a) => a.name), ['StorageNearlyFull'], 'resolved after the snapshot: gone; fired after it: back');
  r.sample(2 * MIN, 'ups1', 'ups', ups(false));
  r.sample(2 * MIN, 'nas1', 'nas', vol(97));
  t.same(r.events, [], 'no second page for the storage alert, no second resolve for the UPS');
  r.sample(3 * MIN, 'nas1', 'nas', vol(50));
  t.same(brief(r.events), [['resolved', 'StorageNearlyFull', 'nas1', 180]], 'the restored alert resolves with fresh data');
});

t.test('a corrupt snapshot falls back to the active alerts', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const history = new AlertHistory(db);
  const h = new Harness();
  h.sample(0, 'nas1', 'nas', vol(97));
  history.commit(h.state, h.events, T0);
  db.prepare("UPDATE alert_engine_state SET state = '{not json'").run();
  const r = new Harness();
  r.state = history.restore();
  t.same(r.active().map((a) => [a.name, a.device]), [['StorageNearlyFull', 'nas1']]);
  r.sample(MIN, 'nas1', 'nas', vol(50));
  t.same(r.events.map((e) => e.type), ['resolved']);
});

import t from 'tap';
import { Harness, MIN, S, T0, brief, pt } from './harness.js';

const upsPoint = (onBattery: boolean, runtime = onBattery ? 840 : 2400) =>
  pt('ups', { on_battery: onBattery, status: onBattery ? 'on_battery' : 'online', battery_charge_pct: 62, runtime_s: runtime, load_pct: 30 });

t.test('UpsOnBattery is debounced by its 30 s `for`', async (t) => {
  const cases = [
    { name: '10 s blip pages nobody', onBatteryMs: 10 * S, want: [] },
    { name: '20 s self-test pages nobody', onBatteryMs: 20 * S, want: [] },
    {
      name: '40 s outage fires once after 30 s and resolves when power returns',
      onBatteryMs: 40 * S,
      want: [
        ['firing', 'UpsOnBattery', 'ups1', 30],
        ['resolved', 'UpsOnBattery', 'ups1', 40],
      ],
    },
  ];
  for (const c of cases) {
    const h = new Harness();
    for (let at = 0; at <= 90 * S; at += 5 * S) {
      if (at % (10 * S) === 0) h.sample(at, 'ups1', 'ups', [upsPoint(at < c.onBatteryMs)]);
      else h.tick(at);
    }
    t.same(brief(h.events), c.want, c.name);
  }
});

t.test('UpsOnBattery carries the DESIGN.md summary, labels and start time', async (t) => {
  const h = new Harness({ labels: { site: 'acme-dental' } });
  h.sample(0, 'ups1', 'ups', [upsPoint(true)]);
  const [fired] = h.sample(30 * S, 'ups1', 'ups', [upsPoint(true)]);
  t.equal(fired?.type, 'firing');
  const a = fired!.alert;
  t.equal(a.summary, 'ups1 on battery, 62 % charge, 14 min runtime');
  t.equal(a.severity, 'critical');
  t.equal(a.startsAt, T0, 'startsAt is when the UPS went on battery, not when the debounce ended');
  t.same(a.labels, { site: 'acme-dental', alertname: 'UpsOnBattery', device: 'ups1', class: 'ups', severity: 'critical' });
  t.equal(a.notified, true);
  const [resolved] = h.sample(70 * S, 'ups1', 'ups', [upsPoint(false)]);
  t.equal(resolved?.type, 'resolved');
  t.equal(resolved?.alert.id, a.id, 'the resolve names the same alert');
  t.equal(resolved?.alert.endsAt, T0 + 70 * S);
  t.same(h.active(), []);
});

t.test('a trap starts the debounce at once and a tick fires it without waiting for the next poll', async (t) => {
  const h = new Harness({ intervals: { ups1: MIN } });
  h.sample(0, 'ups1', 'ups', [pt('ups', { on_battery: true })], { probe: 'trap' });
  const events = h.ticks(5 * S, 55 * S);
  t.same(brief(events), [['firing', 'UpsOnBattery', 'ups1', 30]]);
  t.match(events[0]!.alert.summary, /^ups1 on battery, \? % charge/, 'fields the trap did not carry render as ?');
});

t.test('the alert id is stable for rule + device + instance', async (t) => {
  const a = new Harness();
  const b = new Harness();
  for (const h of [a, b]) {
    h.sample(0, 'nas1', 'nas', [pt('storage', { used_pct: 96 }, { name: 'vol1' }), pt('storage', { used_pct: 97 }, { name: 'vol2' })]);
  }
  const ids = (h: Harness) => h.active().map((x) => x.id).sort();
  t.same(ids(a), ids(b));
  t.equal(new Set(ids(a)).size, 2, 'each volume is its own alert');
  t.match(ids(a)[0], /^[0-9a-f]{16}$/);
});

t.test('hysteresis: a value oscillating between the warn and clear levels does not flap', async (t) => {
  // StorageNearlyFull: warn > 85 (clear at 80), critical > 95 (clear at 92).
  const steps: [number, string[], string][] = [
    [84, [], 'below warn'],
    [86, ['firing:warning'], 'crosses warn'],
    [83, [], 'between clear and warn: still warning'],
    [86, [], 'back over warn: same alert, no event'],
    [81, [], 'still above clear'],
    [96, ['firing:critical'], 'escalation pages again'],
    [93, [], 'between critical clear and critical: still critical'],
    [91, ['updated:warning'], 'below critical clear: back to warning without a page'],
    [80, ['resolved:warning'], 'at the clear level (80 > 80 no longer holds): resolves'],
  ];
  const h = new Harness();
  let at = 0;
  const seen: string[][] = [];
  for (const [v] of steps) {
    const ev = h.sample(at, 'nas1', 'nas', [pt('storage', { used_pct: v, used_bytes: 8e11, size_bytes: 1e12 }, { name: 'vol1' })]);
    seen.push(ev.map((e) => `${e.type}:${e.alert.severity}`));
    at += MIN;
  }
  t.same(seen, steps.map(([, w]) => w));
  t.equal(h.events.filter((e) => e.type === 'resolved').length, 1, 'one resolve for the whole episode');
  t.equal(h.events[0]!.alert.summary, 'nas1: vol1 86 % full (800 GB of 1 TB)');
});

t.test('flapping: an alert that changes state too often is held firing until it has been stable', async (t) => {
  const h = new Harness({ config: { flapping: { changes: 4, window: '30m', stable: '15m' } } });
  const pct = (v: number) => [pt('storage', { used_pct: v }, { name: 'vol1' })];
  let at = 0;
  for (let i = 0; i < 10; i++, at += MIN) h.sample(at, 'nas1', 'nas', pct(i % 2 === 0 ? 90 : 70));
  t.same(
    h.events.map((e) => e.type),
    ['firing', 'resolved', 'firing', 'resolved', 'firing', 'flapping'],
    'the third resolve within 30 min is held and reported as flapping',
  );
  const held = h.find('StorageNearlyFull', 'nas1');
  t.equal(held?.flapping, true);
  t.notOk(held?.endsAt);

  const calmFrom = at - MIN; // last sample above was 70 (i = 9)
  h.events = [];
  for (; at < calmFrom + 14 * MIN; at += MIN) h.sample(at, 'nas1', 'nas', pct(70));
  t.same(h.events, [], 'still held while not yet stable for 15 min');
  h.tick(calmFrom + 15 * MIN);
  t.same(
    h.events.map((e) => [e.type, e.alert.flapping]),
    [['resolved', false]],
    'resolved once stable',
  );

  const h2 = new Harness();
  at = 0;
  for (let i = 0; i < 10; i++, at += MIN) h2.sample(at, 'nas1', 'nas', pct(i % 2 === 0 ? 90 : 70));
  h2.events = [];
  for (let i = 0; i < 16; i++, at += MIN) h2.sample(at, 'nas1', 'nas', pct(90));
  t.same(
    h2.events.map((e) => [e.type, e.alert.flapping]),
    [['updated', false]],
    'stable while bad: flapping ends, the alert simply stays firing',
  );
});

t.test('stale data raises DeviceStale and never resolves the alert underneath', async (t) => {
  const h = new Harness({ intervals: { ups1: MIN } });
  h.sample(0, 'ups1', 'ups', [upsPoint(true, 3600)]);
  h.sample(MIN, 'ups1', 'ups', [upsPoint(true, 3600)]);
  t.same(brief(h.events), [['firing', 'UpsOnBattery', 'ups1', 60]]);
  h.events = [];
  h.ticks(MIN + 30 * S, 10 * MIN, 30 * S);
  t.same(brief(h.events), [['firing', 'DeviceStale', 'ups1', 270]], 'after more than 3 intervals without data');
  t.equal(h.events[0]!.alert.summary, 'ups1: no data for 4 min, alerts for it may be out of date');
  t.ok(h.find('UpsOnBattery', 'ups1'), 'no data is not a recovery');
  t.notOk(h.find('MetricStale', 'ups1'), 'no per-measurement alerts on top of a stale device');
  h.events = [];
  h.sample(11 * MIN, 'ups1', 'ups', [upsPoint(false)]);
  t.same(
    brief(h.events).map((e) => e.slice(0, 2)).sort(),
    [
      ['resolved', 'DeviceStale'],
      ['resolved', 'UpsOnBattery'],
    ],
    'fresh data resolves both',
  );
});

t.test('a measurement that stops arriving while the device answers raises MetricStale', async (t) => {
  const h = new Harness({ intervals: { ups1: MIN } });
  let at = 0;
  for (; at <= 2 * MIN; at += MIN) h.sample(at, 'ups1', 'ups', [upsPoint(false), pt('system', { uptime_s: 100 })]);
  for (; at <= 8 * MIN; at += MIN) {
    h.sample(at, 'ups1', 'ups', [pt('system', { uptime_s: 100 })], { probe: 'snmp' });
    h.sample(at + S, 'ups1', 'ups', [], { probe: 'ping', ok: true });
    h.tick(at + 2 * S);
  }
  t.same(brief(h.events), [['firing', 'MetricStale', 'ups1', 302]], 'ups last seen at 120 s, stale past 3 intervals');
  t.equal(h.events[0]!.alert.instance, 'ups');
  t.equal(h.events[0]!.alert.summary, 'ups1: no ups data for 3 min');
  h.events = [];
  h.sample(at, 'ups1', 'ups', [upsPoint(false)]);
  t.same(brief(h.events), [['resolved', 'MetricStale', 'ups1', at / S]]);
});

t.test('ack and silence', async (t) => {
  const h = new Harness();
  const storage = (v: number) => [pt('storage', { used_pct: v }, { name: 'vol1' })];
  const [fired] = h.sample(0, 'nas1', 'nas', storage(90));
  const id = fired!.alert.id;

  t.same(h.ack(MIN, 'nope', 'ann', 'x'), [], 'unknown alert: nothing happens');
  const [acked] = h.ack(MIN, id, 'ann', 'ordering disks');
  t.equal(acked?.type, 'acknowledged');
  t.same(acked?.alert.ack, { user: 'ann', note: 'ordering disks', at: T0 + MIN });

  const [silenced] = h.silence(2 * MIN, id, 60 * MIN, 'ann');
  t.equal(silenced?.type, 'silenced');
  t.equal(silenced?.alert.silencedUntil, T0 + 60 * MIN);
  t.same(
    h.sample(3 * MIN, 'nas1', 'nas', storage(97)).map((e) => [e.type, e.alert.severity]),
    [['updated', 'critical']],
    'escalation while silenced is an update, not a page',
  );
  for (let at = 4 * MIN; at < 60 * MIN; at += MIN) {
    t.same(h.sample(at, 'nas1', 'nas', storage(97)), [], `no page while silenced (${at / MIN} min)`);
    h.tick(at + 30 * S);
  }
  t.same(
    h.tick(60 * MIN).map((e) => [e.type, e.alert.severity, e.alert.silencedUntil]),
    [['firing', 'critical', undefined]],
    'the silence expires on a tick and the still-active alert pages again',
  );
  t.same(h.find('StorageNearlyFull', 'nas1')?.ack?.user, 'ann', 'the ack survives the silence');

  h.silence(61 * MIN, id, 120 * MIN, 'bob');
  t.same(
    h.silence(62 * MIN, id, 0, 'bob').map((e) => e.type),
    ['firing'],
    'a silence ending in the past lifts it at once',
  );
  const [resolved] = h.sample(63 * MIN, 'nas1', 'nas', storage(50));
  t.equal(resolved?.type, 'resolved');
  h.sample(64 * MIN, 'nas1', 'nas', storage(90));
  t.notOk(h.find('StorageNearlyFull', 'nas1')?.ack, 'a new episode starts unacknowledged');
});

t.test('licence expiry: warning a month ahead, critical once expired', async (t) => {
  const cases: [number, string | undefined, string | undefined][] = [
    [45, undefined, undefined],
    [30, undefined, undefined],
    [29, 'warning', 'fw1: licence FortiGuard AV expires in 29 days'],
    [0, 'warning', 'fw1: licence FortiGuard AV expires in 0 days'],
    [-3, 'critical', 'fw1: licence FortiGuard AV expired 3 days ago'],
  ];
  for (const [days, severity, summary] of cases) {
    const h = new Harness();
    h.sample(0, 'fw1', 'firewall', [pt('license', { days_left: days, expires_at: 1_800_000_000 }, { name: 'FortiGuard AV' })]);
    const a = h.find('LicenceExpiring', 'fw1');
    t.equal(a?.severity, severity, `${days} days left`);
    t.equal(a?.summary, summary);
    if (a) t.equal(a.labels.name, 'FortiGuard AV', 'the instance tag is a label');
  }
});

t.test('disk verdicts map to their own alerts', async (t) => {
  const cases: [string, boolean, string[]][] = [
    ['ok', true, []],
    ['info', true, []],
    ['warn', true, ['DiskWarning:warning']],
    ['fail', true, ['DiskFailing:critical']],
    ['unknown', true, ['SmartUnreadable:warning']],
    ['unknown', false, ['SmartUnreadable:warning']],
    ['fail', false, []],
  ];
  for (const [health, ok, want] of cases) {
    const h = new Harness();
    h.sample(0, 'srv1', 'server', [pt('disk', { health, source: 'smartctl' }, { disk: 'WD-WCC4E1234567', model: 'WDC WD40EFRX' })], { probe: 'smart', ok });
    t.same(
      h.active().map((a) => `${a.name}:${a.severity}`),
      want,
      `health=${health} from a ${ok ? 'good' : 'failed'} sample`,
    );
  }
  const h = new Harness();
  h.sample(0, 'srv1', 'server', [pt('disk', { health: 'fail' }, { disk: 'S1', model: 'ST3500418AS' })], { probe: 'smart' });
  t.equal(h.active()[0]?.summary, 'srv1: disk S1 (ST3500418AS) is failing, replace it');
  t.equal(h.active()[0]?.instance, 'S1');
});

t.test('an interface alerts only after it has been up, and only while admin up', async (t) => {
  const port = (oper: boolean, admin = true) => [pt('interface', { oper_up: oper, admin_up: admin, speed_bps: 1e9 }, { ifName: 'ge-0/0/1', ifIndex: '1' })];
  const never = new Harness();
  for (let at = 0; at < 10 * MIN; at += MIN) never.sample(at, 'sw1', 'switch', port(false));
  t.same(never.events, [], 'a port never seen up is not "down"');

  const h = new Harness();
  h.sample(0, 'sw1', 'switch', port(true));
  h.sample(MIN, 'sw1', 'switch', port(false));
  h.sample(2 * MIN, 'sw1', 'switch', port(false));
  t.same(brief(h.events), [['firing', 'InterfaceDown', 'sw1', 120]]);
  t.equal(h.events[0]!.alert.summary, 'sw1: interface ge-0/0/1 down');
  t.equal(h.events[0]!.alert.labels.ifName, 'ge-0/0/1');
  h.sample(3 * MIN, 'sw1', 'switch', port(false, false));
  t.same(brief(h.events).at(-1), ['resolved', 'InterfaceDown', 'sw1', 180], 'an admin shutting the port is not an outage');
});

t.test('derived values: sessions as a share of the maximum, counter deltas, worst of several fields', async (t) => {
  const h = new Harness();
  h.sample(0, 'fw1', 'firewall', [pt('firewall', { sessions: 48_000, sessions_max: 50_000 })]);
  h.sample(5 * MIN, 'fw1', 'firewall', [pt('firewall', { sessions: 48_000, sessions_max: 50_000 })]);
  t.equal(h.find('FirewallSessionsHigh', 'fw1')?.summary, 'fw1: 48000 sessions, 96 % of 50000');
  h.sample(6 * MIN, 'fw1', 'firewall', [pt('firewall', { sessions: 10, sessions_max: 0 })]);
  t.equal(h.find('FirewallSessionsHigh', 'fw1')?.severity, 'critical', 'a max of 0 is no data, not zero percent');

  const o = new Harness();
  const self = (dropped: number) => [pt('outpost', { poll_lag_s: 1 }), pt('outpost', { dropped_points: dropped, outbox_points: 10 }, { sink: 'msp' }), pt('outpost', { dropped_points: 0 }, { sink: 'local' })];
  t.same(o.sample(0, 'outpost', 'server', self(500)), [], 'the first reading has no previous value: nothing to compare');
  t.same(o.sample(MIN, 'outpost', 'server', self(500)), []);
  const [dropping] = o.sample(2 * MIN, 'outpost', 'server', self(700));
  t.same([dropping?.type, dropping?.alert.value, dropping?.alert.instance], ['firing', 200, 'msp'], 'per sink: the other sink’s zero counter is not mixed in');
  t.equal(dropping?.alert.summary, 'outpost: InfluxDB sink msp lost 200 points since its last report');
  t.same(o.sample(3 * MIN, 'outpost', 'server', self(700)).map((e) => e.type), ['resolved']);
  t.same(o.sample(4 * MIN, 'outpost', 'server', self(5)).map((e) => [e.type, e.alert.value]), [['firing', 5]], 'a restarted counter counts from zero');

  const i = new Harness();
  for (let at = 0; at <= 15 * MIN; at += MIN) i.sample(at, 'sw1', 'switch', [pt('interface', { util_in_pct: 20, util_out_pct: 97 }, { ifName: 'uplink' })]);
  t.equal(i.find('InterfaceUtilisation', 'sw1')?.value, 97, 'the worse direction counts');
});

t.test('a failed ping is DeviceUnreachable, not also PingLoss', async (t) => {
  const h = new Harness();
  const ping = (loss: number) => [pt('ping', { loss_pct: loss, sent: 5, received: Math.round(5 - loss / 20) })];
  for (let at = 0; at < 5 * MIN; at += MIN) h.sample(at, 'printer1', 'printer', ping(100), { probe: 'ping', ok: false, error: 'timeout' });
  t.same(brief(h.events), [['firing', 'DeviceUnreachable', 'printer1', 120]]);
  t.equal(h.events[0]!.alert.summary, 'printer1 not answering (timeout)');
  h.events = [];
  for (let at = 5 * MIN; at < 9 * MIN; at += MIN) h.sample(at, 'printer1', 'printer', ping(60), { probe: 'ping' });
  t.same(brief(h.events), [
    ['resolved', 'DeviceUnreachable', 'printer1', 300],
    ['firing', 'PingLoss', 'printer1', 420],
  ]);
  t.equal(h.events[1]!.alert.severity, 'critical');
});

t.test('a device is unreachable only when no polling probe answers', async (t) => {
  const h = new Harness();
  for (let at = 0; at < 5 * MIN; at += MIN) {
    h.sample(at, 'ups1', 'ups', [], { probe: 'snmp', ok: false, error: 'auth' });
    h.sample(at + S, 'ups1', 'ups', [pt('ping', { loss_pct: 0, rtt_avg_ms: 1 })], { probe: 'ping' });
  }
  t.notOk(h.find('DeviceUnreachable', 'ups1'), 'ping answers: reachable (a wrong community shows up as stale data instead)');
});

t.test('step() never reads the clock: time is only what the caller passes', async (t) => {
  const realNow = Date.now;
  Date.now = () => {
    throw new Error('the engine read the clock');
  };
  t.teardown(() => {
    Date.now = realNow;
  });
  const run = () => {
    const h = new Harness({ config: { maintenance: [{ days: ['mon'], start: '11:00', duration: '1h', timezone: 'Europe/Berlin' }] } });
    for (let at = 0; at <= 10 * MIN; at += MIN) {
      h.sample(at, 'ups1', 'ups', at < 5 * MIN ? [upsPoint(true)] : []);
      h.tick(at + 30 * S);
    }
    return h.events;
  };
  const a = run();
  t.ok(a.length > 0);
  t.same(run(), a, 'the same inputs give the same events');
});

t.test('a measurement arriving more slowly than the polls is judged by its own cadence', async (t) => {
  const h = new Harness({ intervals: { srv1: MIN } });
  const disk = [pt('disk', { health: 'ok' }, { disk: 'S1', model: 'M' })];
  for (let at = 0; at <= 5 * 60 * MIN; at += MIN) {
    h.sample(at, 'srv1', 'server', [pt('system', { uptime_s: at / S })]);
    if (at % (60 * MIN) === 0) h.sample(at + S, 'srv1', 'server', disk, { probe: 'smart' });
    h.tick(at + 30 * S);
  }
  t.same(h.events, [], 'hourly SMART pushes are not stale between pushes');
  for (let at = 5 * 60 * MIN + MIN; at <= 9 * 60 * MIN; at += MIN) {
    h.sample(at, 'srv1', 'server', [pt('system', { uptime_s: at / S })]);
    h.tick(at + 30 * S);
  }
  t.same(
    h.events.map((e) => [e.type, e.alert.name, e.alert.instance, (e.at - T0) / MIN]),
    [['firing', 'MetricStale', 'disk', 8 * 60 + 0.5]],
    '3 h after the last push (5 h 0 min 1 s), on the next tick',
  );
});

import t from 'tap';
import type { DeviceClass } from '../../../probes/types.js';
import { Harness, MIN, S, brief, pt } from './harness.js';

/** sw1 sits in front of three devices; fw1 in front of sw1 (only used where said). */
const CHILDREN: [string, DeviceClass][] = [
  ['ups1', 'ups'],
  ['nas1', 'nas'],
  ['printer1', 'printer'],
];

function poll(h: Harness, at: number, device: string, cls: DeviceClass, up: boolean, parent?: string): void {
  h.sample(at, device, cls, up ? [pt('ping', { loss_pct: 0, rtt_avg_ms: 1 })] : [pt('ping', { loss_pct: 100 })], {
    probe: 'ping',
    ok: up,
    ...(up ? {} : { error: 'timeout' }),
    ...(parent ? { parent } : {}),
  });
}

/** One poll round; `parentFirst` decides whether the switch is polled before or after what is behind it. */
function round(h: Harness, at: number, parentUp: boolean, childrenUp: boolean, parentFirst: boolean): void {
  if (parentFirst) poll(h, at, 'sw1', 'switch', parentUp);
  CHILDREN.forEach(([d, c], i) => poll(h, at + (i + 1) * S, d, c, childrenUp, 'sw1'));
  if (!parentFirst) poll(h, at + 10 * S, 'sw1', 'switch', parentUp);
}

t.test('a down switch gives one alert that counts the 3 devices behind it', async (t) => {
  for (const parentFirst of [true, false]) {
    const h = new Harness();
    round(h, 0, true, true, parentFirst);
    for (let at = MIN; at <= 6 * MIN; at += MIN) round(h, at, false, false, parentFirst);
    const label = parentFirst ? 'switch polled first' : 'switch polled last';
    t.same(
      h.events.filter((e) => e.type === 'firing').map((e) => e.alert.device),
      ['sw1'],
      `${label}: only the switch pages`,
    );
    t.same(
      h.events.filter((e) => e.type === 'suppressed').map((e) => e.alert.device).sort(),
      ['nas1', 'printer1', 'ups1'],
      `${label}: the devices behind it are suppressed`,
    );
    const sw = h.find('DeviceUnreachable', 'sw1')!;
    t.equal(sw.childrenSuppressed, 3, label);
    t.equal(sw.summary, 'sw1 not answering (timeout), 3 devices behind it', label);
    for (const [d] of CHILDREN) {
      const a = h.find('DeviceUnreachable', d)!;
      t.equal(a.suppressedBy, sw.id, `${label}: ${d} points at the switch's alert`);
      t.equal(a.notified, false);
    }

    h.events = [];
    round(h, 7 * MIN, true, true, true);
    t.same(
      h.events.map((e) => [e.type, e.alert.device, e.alert.notified]).sort(),
      [
        ['resolved', 'nas1', false],
        ['resolved', 'printer1', false],
        ['resolved', 'sw1', true],
        ['resolved', 'ups1', false],
      ],
      `${label}: everything resolves; only the switch's resolve is for notifiers`,
    );
  }
});

t.test('when children reach their poll count before the parent, they wait for it and the page already says how many', async (t) => {
  const h = new Harness({ config: { rules: [{ rule: 'DeviceUnreachable', class: 'switch', polls: 5 }] } });
  round(h, 0, true, true, true);
  for (let at = MIN; at <= 6 * MIN; at += MIN) round(h, at, false, false, true);
  const firing = h.events.filter((e) => e.type === 'firing');
  t.same(firing.map((e) => e.alert.device), ['sw1']);
  t.equal(firing[0]!.alert.summary, 'sw1 not answering (timeout), 3 devices behind it', 'the first page already knows');
  const [first, ...rest] = brief(h.events).map(([type, , device, at]) => [type, device, at]);
  t.same(first, ['firing', 'sw1', 300], 'the switch fires at its 5th failed poll');
  t.same(
    rest.sort(),
    [
      ['suppressed', 'nas1', 300],
      ['suppressed', 'printer1', 300],
      ['suppressed', 'ups1', 300],
    ],
    'the children, held since their 3rd failed poll, are suppressed in the same step',
  );
});

t.test('suppression reaches through a chain to the top-most down device', async (t) => {
  const h = new Harness();
  for (let at = 0; at <= 5 * MIN; at += MIN) {
    const up = at === 0;
    poll(h, at, 'fw1', 'firewall', up);
    poll(h, at + S, 'sw1', 'switch', up, 'fw1');
    poll(h, at + 2 * S, 'ups1', 'ups', up, 'sw1');
  }
  t.same(h.events.filter((e) => e.type === 'firing').map((e) => e.alert.device), ['fw1']);
  const fw = h.find('DeviceUnreachable', 'fw1')!;
  t.equal(fw.childrenSuppressed, 2);
  t.equal(fw.summary, 'fw1 not answering (timeout), 2 devices behind it');
  t.equal(h.find('DeviceUnreachable', 'ups1')?.suppressedBy, fw.id, 'the grandchild is counted on the root, not on the switch');
  t.notOk(h.find('DeviceUnreachable', 'sw1')?.childrenSuppressed);
});

t.test('a child that fired before its parent went down is taken over when the parent fires', async (t) => {
  const h = new Harness();
  for (let at = 0; at <= 3 * MIN; at += MIN) {
    poll(h, at, 'sw1', 'switch', true);
    poll(h, at + S, 'ups1', 'ups', at === 0, 'sw1');
  }
  t.same(brief(h.events), [['firing', 'DeviceUnreachable', 'ups1', 181]], 'the UPS alone is down: it pages');
  h.events = [];
  for (let at = 4 * MIN; at <= 6 * MIN; at += MIN) {
    poll(h, at, 'sw1', 'switch', false);
    poll(h, at + S, 'ups1', 'ups', false, 'sw1');
  }
  t.same(brief(h.events), [
    ['firing', 'DeviceUnreachable', 'sw1', 360],
    ['suppressed', 'DeviceUnreachable', 'ups1', 360],
  ]);
  t.equal(h.find('DeviceUnreachable', 'sw1')?.childrenSuppressed, 1);
  t.equal(h.find('DeviceUnreachable', 'ups1')?.notified, true, 'it was paged, so its resolve will be sent too');
});

t.test('a child still down after its parent recovers pages on its own, after fresh failed polls', async (t) => {
  const h = new Harness();
  round(h, 0, true, true, true);
  for (let at = MIN; at <= 4 * MIN; at += MIN) round(h, at, false, false, true);
  h.events = [];
  // The switch is back; the NAS is not (its PSU died with the outage), the others come back.
  for (let at = 5 * MIN; at <= 9 * MIN; at += MIN) {
    poll(h, at, 'sw1', 'switch', true);
    poll(h, at + S, 'ups1', 'ups', true, 'sw1');
    poll(h, at + 2 * S, 'nas1', 'nas', false, 'sw1');
    poll(h, at + 3 * S, 'printer1', 'printer', true, 'sw1');
  }
  t.same(
    brief(h.events).map(([type, , device, at]) => [type, device, at]),
    [
      ['resolved', 'sw1', 300],
      ['resolved', 'ups1', 301],
      ['resolved', 'printer1', 303],
      ['firing', 'nas1', 422],
    ],
    'the NAS pages after 3 failed polls with its parent up, not at the first one',
  );
  const nas = h.find('DeviceUnreachable', 'nas1')!;
  t.notOk(nas.suppressedBy);
  t.equal(nas.notified, true);
});

t.test('maintenance suppresses the page but keeps tracking; the page goes out if it is still down after the window', async (t) => {
  const start = new Date(Date.UTC(2026, 0, 5, 10, 0, 0)).toISOString();
  const end = new Date(Date.UTC(2026, 0, 5, 10, 10, 0)).toISOString();
  const h = new Harness({ config: { maintenance: [{ device: 'ups1', start, end, reason: 'battery swap' }] } });
  const ups = (onBattery: boolean) => [pt('ups', { on_battery: onBattery, runtime_s: 3600, battery_charge_pct: 99 })];
  for (let at = 0; at <= 7 * MIN; at += MIN) {
    h.sample(at, 'ups1', 'ups', ups(true));
    h.sample(at, 'ups2', 'ups', ups(true));
  }
  t.same(
    h.events.map((e) => [e.type, e.alert.device, e.alert.maintenance ?? false]),
    [
      ['suppressed', 'ups1', true],
      ['firing', 'ups2', false],
    ],
    'only the device in maintenance is held',
  );
  t.equal(h.find('UpsOnBattery', 'ups1')?.notified, false);
  h.events = [];
  h.tick(7 * MIN + 30 * S);
  t.same(h.events, []);
  // T0 is 10:02:07, so the window ends 7 min 53 s after it.
  h.tick(7 * MIN + 53 * S);
  t.same(
    h.events.map((e) => [e.type, e.alert.device, e.alert.notified]),
    [['firing', 'ups1', true]],
    'the window ended with the UPS still on battery: now it pages',
  );
});

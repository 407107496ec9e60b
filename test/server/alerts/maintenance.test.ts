import t from 'tap';
import { resolveWindow, windowActive, windowCovers } from '../../../server/alerts/maintenance.js';
import { humanDuration, parseDuration } from '../../../server/alerts/duration.js';
import { renderTemplate } from '../../../server/alerts/template.js';
import { Harness, MIN, pt } from './harness.js';

t.test('weekly windows follow the local clock of their zone, across midnight and the week wrap', async (t) => {
  const sunday = resolveWindow({ days: ['sun'], start: '02:00', duration: '3h', timezone: 'Europe/Berlin' }, 'UTC');
  const lateSat = resolveWindow({ days: ['sat'], start: '22:00', duration: '4h' }, 'America/New_York');
  const cases: [string, typeof sunday, string, boolean][] = [
    ['Sunday 02:30 Berlin (01:30 UTC, winter)', sunday, '2026-01-11T01:30:00Z', true],
    ['Sunday 01:59 Berlin', sunday, '2026-01-11T00:59:00Z', false],
    ['Sunday 04:59 Berlin', sunday, '2026-01-11T03:59:00Z', true],
    ['Sunday 05:00 Berlin: end is exclusive', sunday, '2026-01-11T04:00:00Z', false],
    ['Sunday 02:30 Berlin in summer time (00:30 UTC)', sunday, '2026-07-12T00:30:00Z', true],
    ['Monday 02:30 Berlin', sunday, '2026-01-12T01:30:00Z', false],
    ['Saturday 23:00 New York', lateSat, '2026-01-11T04:00:00Z', true],
    ['Sunday 01:30 New York, past midnight', lateSat, '2026-01-11T06:30:00Z', true],
    ['Sunday 02:00 New York', lateSat, '2026-01-11T07:00:00Z', false],
    ['Saturday 21:59 New York', lateSat, '2026-01-11T02:59:00Z', false],
  ];
  for (const [name, w, iso, want] of cases) t.equal(windowActive(w, Date.parse(iso)), want, name);
});

t.test('weekly window covering Saturday night into Sunday morning wraps the end of the week', async (t) => {
  const w = resolveWindow({ days: ['sat'], start: '23:00', duration: '2h' }, 'UTC');
  t.equal(windowActive(w, Date.parse('2026-01-11T00:30:00Z')), true, 'Sunday 00:30 is inside Saturday 23:00 + 2h');
  t.equal(windowActive(w, Date.parse('2026-01-11T01:00:00Z')), false);
});

t.test('a window covers its device, its class, or the whole site', async (t) => {
  const byDevice = resolveWindow({ device: 'ups1', start: '2026-01-05T10:00:00Z', end: '2026-01-05T11:00:00Z' }, 'UTC');
  const byClass = resolveWindow({ class: 'ups', start: '2026-01-05T10:00:00Z', end: '2026-01-05T11:00:00Z' }, 'UTC');
  const site = resolveWindow({ start: '2026-01-05T10:00:00+01:00', end: '2026-01-05T11:00:00+01:00' }, 'UTC');
  t.same([windowCovers(byDevice, 'ups1', 'ups'), windowCovers(byDevice, 'ups2', 'ups')], [true, false]);
  t.same([windowCovers(byClass, 'ups2', 'ups'), windowCovers(byClass, 'sw1', 'switch')], [true, false]);
  t.same([windowCovers(site, 'sw1', 'switch'), windowActive(site, Date.parse('2026-01-05T09:30:00Z'))], [true, true], 'offsets are honoured');
});

t.test('a class-wide recurring window suppresses in the engine', async (t) => {
  // T0 is Monday 10:02:07 UTC.
  const h = new Harness({ config: { maintenance: [{ class: 'nas', days: ['mon'], start: '10:00', duration: '30m' }] } });
  const full = [pt('storage', { used_pct: 97 }, { name: 'vol1' })];
  h.sample(0, 'nas1', 'nas', full);
  h.sample(0, 'srv1', 'server', full);
  t.same(
    h.events.map((e) => [e.type, e.alert.device]),
    [
      ['suppressed', 'nas1'],
      ['firing', 'srv1'],
    ],
  );
  h.events = [];
  for (let at = MIN; at <= 28 * MIN; at += MIN) {
    h.sample(at, 'nas1', 'nas', full);
    h.sample(at, 'srv1', 'server', full);
  }
  t.same(h.events.map((e) => [e.type, e.alert.device]), [['firing', 'nas1']], 'paged once the window is over (10:30)');
});

t.test('durations and summary templates', async (t) => {
  t.same(['500ms', '30s', '5m', '1.5h', '1d'].map(parseDuration), [500, 30_000, 300_000, 5_400_000, 86_400_000]);
  t.throws(() => parseDuration('5 minutes'));
  t.same([40_000, 210_000, 14 * 60_000, 125 * 60_000, 3 * 86_400_000].map(humanDuration), ['40 s', '4 min', '14 min', '2 h 5 min', '3 days']);
  const vars = { device: 'ups1', battery_charge_pct: 61.6, runtime_s: 845, used_bytes: 812_000_000_000, days_left: -3, rtt: 2.345 };
  t.equal(
    renderTemplate('{device}: {battery_charge_pct|round} %, {runtime_s|min} min, {used_bytes|bytes}, {days_left|abs} days, {rtt} ms, {missing}', vars),
    'ups1: 62 %, 14 min, 812 GB, 3 days, 2.3 ms, ?',
  );
});

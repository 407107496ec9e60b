import t from 'tap';
import { computeSla, sliceStates, type AvailabilitySample } from '../../../server/reports/sla.js';
import { monthRange } from '../../../server/reports/time.js';
import { resolveWindow } from '../../../server/alerts/maintenance.js';

const MIN = 60_000;
const month = monthRange('2026-09', 'UTC');
const at = (day: number, h: number, m = 0) => Date.UTC(2026, 8, day, h, m);

/** One sample per minute per probe; `down` ranges answer up=false, `gaps` record nothing. */
function series(opts: { down?: Array<[number, number]>; gaps?: Array<[number, number]>; probes?: string[] } = {}): AvailabilitySample[] {
  const out: AvailabilitySample[] = [];
  const inside = (r: Array<[number, number]> | undefined, x: number) => (r ?? []).some(([a, b]) => x >= a && x < b);
  for (let x = month.from; x < month.to; x += MIN) {
    if (inside(opts.gaps, x)) continue;
    out.push({ t: x + 7_000, up: !inside(opts.down, x) });
  }
  return out;
}

t.test('sliceStates: any up wins a slice, stale and missing slices stay unknown', async (t) => {
  const s = sliceStates(
    [
      { t: 0, up: false },
      { t: 1000, up: true },
      { t: 300_000, up: false },
      { t: 600_000, up: false, stale: true },
    ],
    0,
    900_000,
    300_000,
  );
  t.same([...s], [1, 2, 0]);
  t.throws(() => sliceStates([], 0, 10, 0), /positive/);
});

t.test('computeSla: outage, parent-down period, maintenance window and a data gap give exact figures', async (t) => {
  const fwOutage: [number, number] = [at(3, 10), at(3, 12)]; // 120 min, fw1 down: everything behind it too
  const swOwn: [number, number] = [at(10, 8), at(10, 8, 30)]; // 30 min, sw1's own fault
  const swMaint: [number, number] = [at(15, 22), at(15, 23)]; // 60 min, planned
  const upsGap: [number, number] = [at(20, 0), at(20, 6)]; // 6 h of no data
  const maintenance = [resolveWindow({ device: 'sw1', start: '2026-09-15T22:00:00Z', end: '2026-09-15T23:00:00Z', reason: 'firmware' }, 'UTC')];
  const res = computeSla({
    from: month.from,
    to: month.to,
    sliceMs: 5 * MIN,
    days: month.days,
    maintenance,
    devices: [
      { name: 'fw1', class: 'firewall', samples: series({ down: [fwOutage] }) },
      { name: 'sw1', class: 'switch', parent: 'fw1', samples: series({ down: [fwOutage, swOwn, swMaint] }) },
      { name: 'ups1', class: 'ups', parent: 'sw1', samples: series({ down: [fwOutage], gaps: [upsGap] }) },
    ],
  });
  const [fw, sw, ups] = res.devices;
  const month30 = 30 * 1440 * MIN;

  t.equal(fw!.totals.totalMs, month30);
  t.equal(fw!.totals.downMs, 120 * MIN);
  t.equal(fw!.totals.uptimePct!.toFixed(6), ((43080 / 43200) * 100).toFixed(6), 'fw1 99.722222 %');
  t.same(fw!.incidents.map((i) => [i.start, i.end, i.cause]), [[fwOutage[0], fwOutage[1], 'unreachable']]);

  t.equal(sw!.totals.maintenanceMs, 60 * MIN, 'maintenance leaves the denominator');
  t.equal(sw!.totals.downParentMs, 120 * MIN);
  t.equal(sw!.totals.downUnreachableMs, 30 * MIN);
  t.equal(sw!.totals.uptimePct!.toFixed(6), ((42990 / 43140) * 100).toFixed(6), 'sw1 99.652295 %');
  t.same(
    sw!.incidents.map((i) => [i.cause, i.attributedTo ?? null, i.durationMs / MIN, i.excluded]),
    [
      ['parent-down', 'fw1', 120, false],
      ['unreachable', null, 30, false],
      ['maintenance', 'sw1', 60, true],
    ],
  );

  t.equal(ups!.totals.unknownMs, 360 * MIN, 'no data is unknown, never up');
  t.equal(ups!.totals.upMs, 42720 * MIN);
  t.equal(ups!.totals.uptimePct!.toFixed(6), ((42720 / 42840) * 100).toFixed(6), 'ups1 99.719888 %');
  t.equal(ups!.totals.coveragePct!.toFixed(4), ((42840 / 43200) * 100).toFixed(4));
  t.same(ups!.incidents.map((i) => [i.cause, i.attributedTo]), [['parent-down', 'fw1']], 'attributed to the top-most down ancestor');

  const day3 = fw!.days[2]!;
  t.equal(day3.date, '2026-09-03');
  t.equal(day3.totals.uptimePct!.toFixed(4), ((1320 / 1440) * 100).toFixed(4), 'fw1 on the 3rd: 91.6667 %');
  t.equal(fw!.days[3]!.totals.uptimePct, 100);
  t.equal(ups!.days[19]!.totals.unknownMs, 360 * MIN);

  const sw15 = sw!.days[14]!.totals;
  t.equal(sw15.maintenanceMs, 60 * MIN);
  t.equal(sw15.uptimePct, 100, 'a day with only planned downtime is 100 %');

  t.same(res.classes.map((c) => c.class), ['firewall', 'switch', 'ups']);
  t.equal(res.site.upMs, (43080 + 42990 + 42720) * MIN);
  t.equal(res.site.uptimePct!.toFixed(6), (((43080 + 42990 + 42720) / (43200 + 43140 + 42840)) * 100).toFixed(6));
});

t.test('computeSla: a parent in maintenance makes its children\'s downtime planned too', async (t) => {
  const w: [number, number] = [at(5, 1), at(5, 2)];
  const res = computeSla({
    from: month.from,
    to: month.to,
    sliceMs: 5 * MIN,
    days: [],
    maintenance: [resolveWindow({ device: 'fw1', days: ['sat'], start: '01:00', duration: '1h' }, 'UTC')],
    devices: [
      { name: 'fw1', class: 'firewall', samples: series({ down: [w] }) },
      { name: 'pc', class: 'unknown', parent: 'fw1', samples: series({ down: [w] }) },
    ],
  });
  // 2026-09-05, 12, 19, 26 are Saturdays: four hours of fw1 maintenance, one with downtime.
  t.equal(res.devices[0]!.totals.maintenanceMs, 4 * 60 * MIN);
  t.equal(res.devices[0]!.totals.uptimePct, 100);
  t.equal(res.devices[1]!.totals.maintenanceMs, 60 * MIN);
  t.same(res.devices[1]!.incidents.map((i) => [i.cause, i.attributedTo, i.excluded]), [['maintenance', 'fw1', true]]);
});

t.test('computeSla: a device with no data at all has no uptime figure, not 100 %', async (t) => {
  const res = computeSla({ from: month.from, to: month.to, sliceMs: 5 * MIN, days: [], maintenance: [], devices: [{ name: 'x', class: 'server', samples: [] }] });
  t.equal(res.devices[0]!.totals.uptimePct, null);
  t.equal(res.devices[0]!.totals.coveragePct, 0);
  t.equal(res.site.uptimePct, null);
});

t.test('monthRange: local days in the site zone, DST month has a 25 h day', async (t) => {
  const oct = monthRange('2026-10', 'Europe/London');
  t.equal(oct.days.length, 31);
  t.equal(new Date(oct.from).toISOString(), '2026-09-30T23:00:00.000Z');
  t.equal(new Date(oct.to).toISOString(), '2026-11-01T00:00:00.000Z');
  const d25 = oct.days[24]!;
  t.equal(d25.date, '2026-10-25');
  t.equal((d25.end - d25.start) / 3_600_000, 25);
  t.throws(() => monthRange('2026-13', 'UTC'), /01\.\.12/);
  t.throws(() => monthRange('oct', 'UTC'), /YYYY-MM/);
  t.throws(() => monthRange('2026-10', 'Mars/Olympus'), /unknown time zone/);
});

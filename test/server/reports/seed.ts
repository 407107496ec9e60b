import type { FastifyInstance } from 'fastify';
import type { Point } from '../../../probes/types.js';
import { simulateAvailability } from '../../../server/reports/simulate.js';

/** A recorded September 2026 for three devices: a firewall outage felt behind it, a switch fault, maintenance, a data gap. */
export const H = 3_600_000;
// September 2026 in UTC: 30 days = 720 h. Outages are whole hours, so 5-minute and hourly roll-ups agree.
const FROM = Date.UTC(2026, 8, 1);
const TO = Date.UTC(2026, 9, 1);
const at = (day: number, h: number) => Date.UTC(2026, 8, day, h);

export const base = {
  site: { id: 'acme', name: 'Acme <Dental>' },
  credentials: { lan: { version: '2c', community: 'x' } },
  devices: [
    { name: 'fw1', host: '192.0.2.1', snmp: 'lan' },
    { name: 'sw1', host: '192.0.2.2', parent: 'fw1' },
    { name: 'ups1', host: '192.0.2.3', parent: 'sw1', snmp: 'lan' },
  ],
  alerts: { maintenance: [{ device: 'sw1', start: '2026-09-15T22:00:00Z', end: '2026-09-16T00:00:00Z', reason: 'firmware' }] },
};

export function seed(app: FastifyInstance): void {
  const store = app.outpost.store;
  const write = (device: string, probe: string, down: Array<[number, number]>, gaps: Array<[number, number]> = []) => {
    const pts: Point[] = simulateAvailability(FROM, TO, 60_000, { down, gaps }, 5_000).map((s) => ({
      measurement: 'availability',
      tags: { site: 'acme', device, probe },
      fields: { up: s.up, stale: false, poll_ms: 3 },
      time: s.t,
    }));
    store.write(device, pts);
  };
  write('fw1', 'ping', [[at(3, 10), at(3, 12)]]);
  // SNMP on fw1 was down longer than ping: the device was still up (ping answered), so only ping's outage counts.
  write('fw1', 'snmp', [[at(3, 9), at(3, 13)]]);
  write('sw1', 'ping', [
    [at(3, 10), at(3, 12)],
    [at(10, 8), at(10, 9)],
    [at(15, 22), at(15, 23)],
  ]);
  write('ups1', 'ping', [[at(3, 10), at(3, 12)]], [[at(20, 0), at(20, 6)]]);
  // A stale marker alone says nothing: the gap stays unknown, not down.
  store.write('ups1', [{ measurement: 'availability', tags: { site: 'acme', device: 'ups1', probe: 'ping' }, fields: { up: false, stale: true, poll_ms: 0 }, time: at(20, 3) + 1000 }]);
  store.setDeviceState('fw1', { class: 'firewall', identity: { class: 'firewall', vendor: 'Fortinet', model: 'FortiGate 60F', version: 'v7.2.5,build1517 (GA.F)', serial: 'FGT1' } });
  store.setDeviceState('ups1', { class: 'ups', identity: { class: 'ups', vendor: 'APC', model: 'Smart-UPS X 750', version: '6.8.2', serial: 'AS1' } });
  store.setDeviceState('sw1', { class: 'switch', identity: { class: 'switch', vendor: 'HP', model: 'Aruba 2530-24G', version: 'YA.16.11.0012' } });
  const now = Math.floor(Date.now() / 1000);
  store.write('fw1', [
    { measurement: 'license', tags: { site: 'acme', device: 'fw1', name: 'FortiGuard' }, fields: { expires_at: now + 10 * 86_400, days_left: 10 } },
    { measurement: 'license', tags: { site: 'acme', device: 'fw1', name: 'FortiCare' }, fields: { expires_at: now - 2 * 86_400, days_left: -2 } },
  ]);
  store.write('ups1', [{ measurement: 'ups', tags: { site: 'acme', device: 'ups1' }, fields: { battery_installed_at: Date.UTC(2023, 0, 1) / 1000, battery_age_days: 1000 } }]);
  store.flush();
}


import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { EmbeddedStore } from '../server/store/embedded.js';
import { simulateAvailability, type SimulatedDevice } from '../server/reports/simulate.js';
import { monthRange } from '../server/reports/time.js';
import type { Identity, Point } from '../probes/types.js';

/**
 * Builds a demo site: a config and an embedded store holding a month (October 2026, Europe/London) of
 * simulated polling for six devices with a firewall outage everything behind it felt, a NAS fault, a
 * printer switched off for a morning, switch maintenance, and an hour when the Outpost box itself was off.
 * scripts/demo-site-report.sh then runs `outpost report sla` on it.
 *   node dist/scripts/demo-site-report.js DIR
 */
const dir = resolve(process.argv[2] ?? 'demo-site');
const TZ = 'Europe/London';
const month = monthRange('2026-10', TZ);
// Local wall-clock time in October 2026 (BST, UTC+1 until the 25th at 02:00, then UTC).
const at = (day: number, h: number, m = 0) => Date.UTC(2026, 9, day, h, m) - (day < 25 || (day === 25 && h < 1) ? 3_600_000 : 0);

const boxOff: [number, number] = [at(26, 2), at(26, 3)];
const fwOutage: [number, number] = [at(7, 14), at(7, 14, 45)];
const swMaint: [number, number] = [at(18, 22, 10), at(18, 22, 50)];

interface DemoDevice {
  name: string;
  host: string;
  parent?: string;
  snmp: boolean;
  identity: Identity;
  sim: SimulatedDevice;
  extra?: Point[];
}

const behindSwitch = [fwOutage, swMaint];
const devices: DemoDevice[] = [
  { name: 'fw1', host: '192.168.1.1', snmp: true, identity: { class: 'firewall', vendor: 'Fortinet', model: 'FortiGate 60F', version: 'v7.2.5,build1517 (GA.F)', serial: 'FGT60FTK2209XXXX' }, sim: { down: [fwOutage] } },
  { name: 'core-sw', host: '192.168.1.2', parent: 'fw1', snmp: true, identity: { class: 'switch', vendor: 'HP', model: 'Aruba 2530-24G', version: 'YA.16.11.0012', serial: 'CN12ABC345' }, sim: { down: behindSwitch } },
  { name: 'ups1', host: '192.168.1.20', parent: 'core-sw', snmp: true, identity: { class: 'ups', vendor: 'APC', model: 'Smart-UPS X 750', version: '6.8.2', serial: 'AS1234567890' }, sim: { down: behindSwitch } },
  { name: 'nas1', host: '192.168.1.30', parent: 'core-sw', snmp: true, identity: { class: 'nas', vendor: 'Synology', model: 'DS920+', version: 'DSM 7.1.1-42962 Update 6', serial: '2080PDN12345' }, sim: { down: [...behindSwitch, [at(12, 9, 20), at(12, 11, 5)]] } },
  { name: 'srv1', host: '192.168.1.40', parent: 'core-sw', snmp: true, identity: { class: 'server', vendor: 'Microsoft', model: 'Windows Server 2019', version: '10.0.17763', serial: 'VMware-42 1a' }, sim: { down: behindSwitch } },
  { name: 'printer', host: '192.168.1.50', parent: 'core-sw', snmp: false, identity: { class: 'printer' }, sim: { down: [...behindSwitch, [at(21, 8), at(21, 12)]] } },
];

mkdirSync(dir, { recursive: true });
const dataDir = join(dir, 'data');
const store = new EmbeddedStore(dataDir, { rawMs: 7 * 86_400_000, fiveMinMs: 90 * 86_400_000, hourlyMs: 730 * 86_400_000 });
store.syncDevices(devices.map((d) => ({ name: d.name, host: d.host })));
const site = 'acme-dental';
for (const d of devices) {
  store.setDeviceState(d.name, { class: d.identity.class, identity: d.identity, state: 'up', lastOk: month.from, lastPoll: month.to });
  const probes = d.snmp ? ['ping', 'snmp'] : ['ping'];
  probes.forEach((probe, i) => {
    const samples = simulateAvailability(month.from, month.to, 60_000, { ...d.sim, gaps: [...(d.sim.gaps ?? []), boxOff] }, 7_000 + i * 13_000);
    const points: Point[] = samples.map((s) => ({ measurement: 'availability', tags: { site, device: d.name, probe }, fields: { up: s.up, stale: false, poll_ms: 12 }, time: s.t }));
    for (let k = 0; k < points.length; k += 5000) {
      store.write(d.name, points.slice(k, k + 5000));
      store.flush();
    }
  });
}
const nowS = Math.floor(month.to / 1000);
store.write('fw1', [{ measurement: 'license', tags: { site, device: 'fw1', name: 'FortiGuard UTP' }, fields: { expires_at: nowS + 19 * 86_400, days_left: 19 }, time: month.to }]);
store.write('ups1', [{ measurement: 'ups', tags: { site, device: 'ups1' }, fields: { battery_installed_at: Date.UTC(2022, 2, 14) / 1000, battery_age_days: 1692, battery_charge_pct: 100 }, time: month.to }]);
store.write('nas1', [
  { measurement: 'disk', tags: { site, device: 'nas1', disk: 'WD-WX12A', model: 'WDC WD40EFRX' }, fields: { health: 'ok', power_on_hours: 38_112 }, time: month.to },
  { measurement: 'disk', tags: { site, device: 'nas1', disk: 'WD-WX12B', model: 'WDC WD40EFRX' }, fields: { health: 'ok', power_on_hours: 38_090 }, time: month.to },
]);
store.close();

const config = {
  site: { id: site, name: 'Acme Dental, Main St', timezone: TZ },
  storage: { embedded: { path: dataDir } },
  credentials: { lan: { version: '2c', community: 'demo-community' } },
  devices: devices.map((d) => ({ name: d.name, host: d.host, ...(d.parent ? { parent: d.parent } : {}), ...(d.snmp ? { snmp: 'lan' } : {}) })),
  alerts: {
    maintenance: [
      { device: 'core-sw', start: '2026-10-18T22:00:00+01:00', end: '2026-10-18T23:30:00+01:00', reason: 'switch firmware upgrade' },
      { device: 'ups1', days: ['sun'], start: '03:00', duration: '30m', reason: 'weekly UPS self-test' },
    ],
  },
};
writeFileSync(join(dir, 'outpost.yaml'), stringify(config));
process.stdout.write(`demo site in ${dir}: ${devices.length} devices, month ${month.month} (${TZ})\n`);

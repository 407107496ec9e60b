import type { FirmwareReport, InventoryReport } from './schema.js';
import { csv } from './format.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10));

/** One row per device; its disks summarised (count, oldest by power-on hours, most worn). */
export function inventoryCsv(r: InventoryReport): string {
  const rows = r.devices.map((d) => {
    const poh = d.disks.map((x) => x.powerOnHours).filter((x): x is number => x !== undefined);
    const wear = d.disks.map((x) => x.percentageUsed).filter((x): x is number => x !== undefined);
    return [
      d.device,
      d.host,
      d.class,
      d.vendor,
      d.model,
      d.serial,
      d.firmware,
      iso(d.firstSeen),
      d.disks.length || '',
      poh.length ? Math.max(...poh) : '',
      wear.length ? Math.max(...wear) : '',
      d.batteryInstalledAt !== undefined ? iso(d.batteryInstalledAt * 1000) : '',
      d.batteryAgeDays ?? '',
      d.age.join('; '),
      d.refresh?.date,
      d.refresh?.note,
    ];
  });
  return csv(
    ['device', 'host', 'class', 'vendor', 'model', 'serial', 'firmware', 'first_seen', 'disks', 'disk_power_on_hours_max', 'disk_wear_pct_max', 'battery_installed', 'battery_age_days', 'age', 'refresh_date', 'refresh_note'],
    rows,
  );
}

export function firmwareCsv(r: FirmwareReport): string {
  return csv(
    ['device', 'class', 'vendor', 'model', 'version', 'minimum', 'status'],
    r.devices.map((d) => [d.device, d.class, d.vendor, d.model, d.version, d.minimum, d.status]),
  );
}

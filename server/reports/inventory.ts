import type { ReportsConfig } from './config.js';
import type { InventoryReport, InventoryRow } from './schema.js';

export type { InventoryReport, InventoryRow };

/** What the store knows about one device, flattened for the inventory (see reader.ts). */
export interface InventoryInput {
  device: string;
  host: string;
  class: string;
  vendor?: string;
  model?: string;
  serial?: string;
  firmware?: string;
  firstSeen: number | null;
  disks: Array<{ disk: string; model?: string; powerOnHours?: number; percentageUsed?: number; health?: string }>;
  /** unix seconds (UPS-MIB / vendor battery install date) */
  batteryInstalledAt?: number;
  batteryAgeDays?: number;
}

const YEAR_H = 24 * 365;

const years = (x: number) => `${(x).toFixed(1)} y`;

export function inventoryReport(inputs: readonly InventoryInput[], cfg: ReportsConfig, now: number): InventoryReport {
  const refresh = new Map(cfg.refresh.map((r) => [r.device, r]));
  const devices = inputs.map((d): InventoryRow => {
    const age: string[] = [];
    const batteryDays = d.batteryAgeDays ?? (d.batteryInstalledAt !== undefined ? Math.floor((now / 1000 - d.batteryInstalledAt) / 86_400) : undefined);
    if (batteryDays !== undefined) {
      const when = d.batteryInstalledAt !== undefined ? ` (installed ${new Date(d.batteryInstalledAt * 1000).toISOString().slice(0, 10)})` : '';
      age.push(`battery ${years(batteryDays / 365)}${when}`);
    }
    const poh = d.disks.map((x) => x.powerOnHours).filter((x): x is number => x !== undefined);
    if (poh.length) age.push(`disk power-on up to ${Math.max(...poh).toLocaleString('en-GB')} h (${years(Math.max(...poh) / YEAR_H)})`);
    const wear = d.disks.map((x) => x.percentageUsed).filter((x): x is number => x !== undefined);
    if (wear.length) age.push(`SSD wear up to ${Math.max(...wear)} %`);
    if (d.firmware) age.push(`firmware ${d.firmware}`);
    if (d.firstSeen !== null) age.push(`monitored since ${new Date(d.firstSeen).toISOString().slice(0, 10)}`);
    const r = refresh.get(d.device);
    const row: InventoryRow = { ...d, age };
    if (r) row.refresh = { date: r.date, ...(r.note ? { note: r.note } : {}), daysLeft: Math.floor((Date.parse(`${r.date}T00:00:00Z`) - now) / 86_400_000) };
    return row;
  });
  return { generatedAt: now, devices };
}

import type { ReportsConfig } from './config.js';
import { compareVersions } from './version.js';
import type { FirmwareReport, FirmwareStatus, LicenceStatus } from './schema.js';

export type { FirmwareReport };

/** One device's firmware as the inventory knows it. */
export interface FirmwareInput {
  device: string;
  class: string;
  vendor?: string;
  model?: string;
  version?: string;
}

export interface LicenceInput {
  device: string;
  name: string;
  /** unix seconds */
  expiresAt?: number;
  daysLeft?: number;
  status?: string;
}

/** Days before expiry a licence is flagged: a renewal quote takes weeks. */
export const LICENCE_WARN_DAYS = 30;

function minimumFor(d: FirmwareInput, rules: ReportsConfig['firmware_minimum']): string | undefined {
  for (const r of rules) {
    if (!d.vendor || r.vendor.toLowerCase() !== d.vendor.toLowerCase()) continue;
    if (r.model !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(r.model, 'i');
      } catch {
        continue;
      }
      if (!re.test(d.model ?? '')) continue;
    }
    return r.version;
  }
  return undefined;
}

function firmwareStatus(version: string | undefined, minimum: string | undefined): FirmwareStatus {
  if (minimum === undefined) return version ? 'no-minimum' : 'unknown';
  if (!version) return 'unknown';
  const c = compareVersions(version, minimum);
  if (c === undefined) return 'unknown';
  return c < 0 ? 'outdated' : 'ok';
}

function licenceStatus(l: LicenceInput, now: number): LicenceStatus {
  const days = l.expiresAt !== undefined ? Math.floor((l.expiresAt * 1000 - now) / 86_400_000) : l.daysLeft;
  if (days === undefined) return 'unknown';
  if (days < 0) return 'expired';
  return days <= LICENCE_WARN_DAYS ? 'expiring' : 'ok';
}

export function firmwareReport(devices: readonly FirmwareInput[], licences: readonly LicenceInput[], cfg: ReportsConfig, now: number): FirmwareReport {
  const rows = devices.map((d) => {
    const minimum = minimumFor(d, cfg.firmware_minimum);
    return { ...d, ...(minimum ? { minimum } : {}), status: firmwareStatus(d.version, minimum) };
  });
  const byModel = new Map<string, FirmwareReport['models'][number]>();
  for (const r of rows) {
    const vendor = r.vendor ?? '(unknown vendor)';
    const model = r.model ?? '(unknown model)';
    const key = `${vendor}\u0000${model}`;
    let m = byModel.get(key);
    if (!m) {
      m = { vendor, model, ...(r.minimum ? { minimum: r.minimum } : {}), versions: [] };
      byModel.set(key, m);
    }
    const version = r.version ?? '(unknown)';
    let v = m.versions.find((x) => x.version === version);
    if (!v) {
      v = { version, devices: [], status: r.status };
      m.versions.push(v);
    }
    v.devices.push(r.device);
  }
  const models = [...byModel.values()].sort((a, b) => a.vendor.localeCompare(b.vendor) || a.model.localeCompare(b.model));
  for (const m of models) m.versions.sort((a, b) => compareVersions(a.version, b.version) ?? a.version.localeCompare(b.version));
  const lic = licences.map((l) => ({ ...l, status: licenceStatus(l, now) })).sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity));
  return {
    generatedAt: now,
    devices: rows,
    models,
    licences: lic,
    summary: {
      devices: rows.length,
      outdated: rows.filter((r) => r.status === 'outdated').length,
      unknown: rows.filter((r) => r.status === 'unknown').length,
      licencesExpired: lic.filter((l) => l.status === 'expired').length,
      licencesExpiring: lic.filter((l) => l.status === 'expiring').length,
    },
  };
}

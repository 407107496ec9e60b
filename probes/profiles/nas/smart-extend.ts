import { worstHealth, type DiskHealth, type DiskReading } from './common.js';

/**
 * LibreNMS's `smart` snmpd extend (librenms-agent snmp/smart, JSON output v1) publishes each disk's SMART
 * attributes as JSON in NET-SNMP-EXTEND-MIB nsExtendOutputFull."smart". Servers that already run it give Outpost
 * the same disk verdict inputs as the smartctl probe, over SNMP, with nothing new to install.
 *
 * Attributes are keyed by SMART id as strings ("5", "197"); absent ones are the string "null".
 */

interface ExtendDisk {
  [k: string]: unknown;
}

function n(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() && v !== 'null' ? v.trim() : undefined;
}

/** Parse the extend's JSON; undefined when the output is not the v1 JSON format (old text output, errors). */
export function parseSmartExtend(text: string): DiskReading[] | undefined {
  let doc: { version?: unknown; error?: unknown; data?: { disks?: Record<string, ExtendDisk> } };
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const disks = doc?.data?.disks;
  if (!disks || typeof disks !== 'object') return undefined;
  const out: DiskReading[] = [];
  for (const [dev, d] of Object.entries(disks)) {
    if (!d || typeof d !== 'object') continue;
    const reallocated = n(d['5']);
    const pending = n(d['197']);
    const uncorrectable = n(d['198']);
    const pass = n(d.health_pass);
    const exit = n(d.exit);
    const healthFromPass: DiskHealth | undefined = pass === 1 ? 'ok' : pass === 0 ? 'fail' : undefined;
    const counters: DiskHealth | undefined = (reallocated ?? 0) > 0 || (pending ?? 0) > 0 || (uncorrectable ?? 0) > 0 ? 'warn' : undefined;
    const failedTests = (n(d.read_failure) ?? 0) + (n(d.unknown_failure) ?? 0) > 0 ? 'warn' : undefined;
    out.push({
      disk: s(d.serial) ?? dev,
      model: s(d.device_model) ?? s(d.model_family),
      health: worstHealth(healthFromPass, counters, failedTests),
      status: pass === undefined ? (exit ? `smartctl exit ${exit}` : undefined) : pass === 1 ? 'PASSED' : 'FAILED',
      temp_c: n(d['194']) ?? n(d['190']),
      reallocated,
      pending,
      uncorrectable,
      power_on_hours: n(d['9']),
    });
  }
  return out;
}

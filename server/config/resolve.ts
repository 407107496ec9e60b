import { resolve } from 'node:path';
import type { OutpostConfig, DeviceConfig } from './schema.js';
import { parseDuration } from './duration.js';
import type { SnmpCredential } from '../../probes/snmp/credentials.js';
import type { DeviceClass } from '../../probes/types.js';
import type { Retention } from '../store/embedded.js';
import { targetFromConfig, type SmartTarget } from '../../probes/smart/index.js';

/** A device with every default applied and every duration in ms: what the scheduler runs. */
export interface ResolvedDevice {
  name: string;
  host: string;
  port?: number;
  parent?: string;
  classOverride?: DeviceClass;
  description?: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  snmp?: { credentialName: string; credential: SnmpCredential; maxRepetitions: number; interfaces: boolean };
  ping?: { count: number };
  /** Local disks read with smartctl on this box (normally only the device that is the box itself). */
  smart?: SmartTarget;
}

export function resolveDevice(cfg: OutpostConfig, d: DeviceConfig): ResolvedDevice {
  const def = cfg.defaults!;
  const out: ResolvedDevice = {
    name: d.name,
    host: d.host,
    port: d.port,
    parent: d.parent,
    classOverride: d.class,
    description: d.description,
    intervalMs: parseDuration(d.interval ?? def.interval),
    timeoutMs: parseDuration(d.timeout ?? def.timeout),
    retries: d.retries ?? def.retries,
  };
  if (d.snmp !== undefined) {
    const s = typeof d.snmp === 'string' ? { credential: d.snmp } : d.snmp;
    out.snmp = {
      credentialName: s.credential,
      credential: cfg.credentials![s.credential]!,
      maxRepetitions: ('max_repetitions' in s ? s.max_repetitions : undefined) ?? def.max_repetitions,
      interfaces: ('interfaces' in s ? s.interfaces : undefined) ?? true,
    };
  }
  // Every device is pinged unless told not to: ping is what availability and SLA figures rest on.
  if (d.smart !== undefined) out.smart = targetFromConfig(d.smart);
  if (d.ping !== false) out.ping = { count: (typeof d.ping === 'object' ? d.ping.count : undefined) ?? def.ping.count };
  return out;
}

export function resolveDevices(cfg: OutpostConfig): ResolvedDevice[] {
  return cfg.devices.map((d) => resolveDevice(cfg, d));
}

/** OUTPOST_DATA_DIR wins over the config, so one config can be tested against a throwaway store. */
export function dataDir(cfg: OutpostConfig, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.OUTPOST_DATA_DIR ?? cfg.storage?.embedded?.path ?? 'data');
}

/** How long the embedded store keeps each resolution: the config's, else a week raw, 90 days of 5 min, 2 years hourly. */
export function retention(cfg: OutpostConfig): Retention {
  const r = cfg.storage?.embedded?.retention;
  return { rawMs: parseDuration(r?.raw ?? '7d'), fiveMinMs: parseDuration(r?.five_min ?? '90d'), hourlyMs: parseDuration(r?.hourly ?? '730d') };
}

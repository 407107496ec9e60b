import { createHash } from 'node:crypto';

/**
 * Stable alert id: the same rule, device and instance give the same id across restarts and re-fires, so an
 * Alertmanager fingerprint, a PSA ticket or an ack can follow it. 16 hex digits keep URLs short.
 */
export function alertId(rule: string, device: string, instance: string | undefined): string {
  return createHash('sha256').update(`${rule}\u0000${device}\u0000${instance ?? ''}`).digest('hex').slice(0, 16);
}

/** Key of an instance in EngineState.instances: readable and cheap, unlike the id hash. */
export function instanceKey(rule: string, device: string, instance: string | undefined): string {
  return `${rule}\u0001${device}\u0001${instance ?? ''}`;
}

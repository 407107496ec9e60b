import type { Profile } from '../types.js';
import { synologyProfile } from './synology.js';
import { qnapProfile } from './qnap.js';
import { truenasProfile } from './truenas.js';
import { linuxProfile } from './linux.js';
import { windowsProfile } from './windows.js';
import { esxiProfile } from './esxi.js';

/**
 * The nas family's profiles, servers included (they share the storage/disk model). Listed once here;
 * `probes/profiles/index.ts` gathers the families. NAS profiles score above `linux` (20) because their
 * firmware runs net-snmp Linux underneath.
 */
export const nasProfiles: Profile[] = [synologyProfile, qnapProfile, truenasProfile, esxiProfile, windowsProfile, linuxProfile];

import type { Profile } from '../types.js';
import { apcProfile } from './apc.js';
import { cyberPowerProfile } from './cyberpower.js';
import { eatonProfile } from './eaton.js';
import { mgeProfile } from './mge.js';
import { generexProfile, netmanProfile } from './rfc1628.js';
import { socomecProfile } from './socomec.js';
import { trippLiteProfile } from './tripplite.js';

/** The ups family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const upsProfiles: Profile[] = [
  apcProfile,
  eatonProfile,
  mgeProfile,
  cyberPowerProfile,
  generexProfile,
  netmanProfile,
  socomecProfile,
  trippLiteProfile,
];

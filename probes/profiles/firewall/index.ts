import type { Profile } from '../types.js';

/** The firewall family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const firewallProfiles: Profile[] = [];

import type { Profile } from '../types.js';

/** The ups family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const upsProfiles: Profile[] = [];

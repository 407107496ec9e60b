import type { Profile } from '../types.js';

/** The switch family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const switchProfiles: Profile[] = [];

import type { Profile } from '../types.js';

/** The nas family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const nasProfiles: Profile[] = [];

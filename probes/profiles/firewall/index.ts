import type { Profile } from '../types.js';
import { pfsense, opnsense } from './freebsd.js';
import { fortigate } from './fortigate.js';
import { sonicwall } from './sonicwall.js';
import { asa } from './asa.js';
import { sophos } from './sophos.js';
import { watchguard } from './watchguard.js';
import { merakiMx } from './meraki.js';
import { edgeos } from './edgeos.js';
import { routeros } from './routeros.js';
import { zyxel } from './zyxel.js';
import { draytek } from './draytek.js';

/** The firewall family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const firewallProfiles: Profile[] = [pfsense, opnsense, fortigate, sonicwall, asa, sophos, watchguard, merakiMx, edgeos, routeros, zyxel, draytek];

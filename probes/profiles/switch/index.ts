import type { Profile } from '../types.js';
import { arubaCx } from './aruba-cx.js';
import { ciscoIos } from './cisco-ios.js';
import { ciscoSb } from './cisco-sb.js';
import { dell } from './dell.js';
import { dlink } from './dlink.js';
import { hpProcurve } from './hp-procurve.js';
import { netgear } from './netgear.js';
import { tplink } from './tplink.js';
import { ubiquiti } from './ubiquiti.js';

/** The switch family's profiles. Listed once here; `probes/profiles/index.ts` gathers the families. */
export const switchProfiles: Profile[] = [hpProcurve, arubaCx, ciscoSb, ciscoIos, ubiquiti, netgear, tplink, dlink, dell];

import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { oidUnder, pushAll } from '../util.js';
import { entityChassis, hottest, pushReadings, systemPoint } from './common.js';
import { readRadlan } from './radlan.js';

/**
 * Cisco Small Business and its successors (SG/SF/SX 200–550, CBS 250/350, Catalyst 1200/1300): a RADLAN-based
 * OS with the rl* MIBs re-rooted at 9.6.1.101. Older models announce 9.6.1.x; Catalyst 1200/1300 announce a
 * regular Cisco product OID (9.1.x), so they are told from IOS by their sysDescr.
 */

const CISCO_SB = '1.3.6.1.4.1.9.6.1';
const CISCO_PRODUCTS = '1.3.6.1.4.1.9.1';
const RL = '1.3.6.1.4.1.9.6.1.101';
const SB_DESCR = /^(?:Catalyst 1[0-9]00 Series|CBS\d{3}|S[GFX]\d{3}[A-Z]*-\d+|C1[0-9]00-)/;

/** Model from the sysDescr when rlPhdUnitGenParamModelName is missing: "SG350-10 …", "… (C1200-8T-D)". */
export function sbModelFromDescr(sysDescr: string): string | undefined {
  return /\((C\d{4}[^)\s]*)\)\s*$/.exec(sysDescr)?.[1] ?? /^((?:S[GFX]|CBS)\d{3}\S*)/.exec(sysDescr)?.[1];
}

export const ciscoSb: Profile = {
  id: 'cisco-sb',
  vendor: 'Cisco',
  class: 'switch',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, CISCO_SB)) return 100;
    if (oidUnder(sys.sysObjectID, CISCO_PRODUCTS) && SB_DESCR.test(sys.sysDescr)) return 100;
    if (SB_DESCR.test(sys.sysDescr)) return 50;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const rl = await readRadlan(ctx, RL);
    const chassis = rl.model && rl.serial ? {} : await entityChassis(ctx);
    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: rl.cpu_pct, temp_c: hottest(rl.readings) }));
    pushReadings(points, rl.readings);
    return {
      identity: {
        class: 'switch',
        vendor: 'Cisco',
        os: 'Cisco SB',
        model: rl.model ?? sbModelFromDescr(ctx.sys.sysDescr) ?? chassis.model,
        version: rl.software ?? chassis.softwareRev,
        serial: rl.serial ?? chassis.serial,
      },
      points,
    };
  },
};

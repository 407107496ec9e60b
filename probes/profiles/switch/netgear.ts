import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { oidUnder, pushAll } from '../util.js';
import { entityChassis, hottest, pushReadings, systemPoint } from './common.js';
import { readFastpath } from './fastpath.js';

/**
 * Netgear managed and smart switches (GS/GSM/M4xxx/XS): FASTPATH re-rooted under 4526. Managed lines use
 * ng7000managedswitch (4526.10), smart lines ng700smartswitch (4526.11); the root that answers is used.
 */

const NETGEAR = '1.3.6.1.4.1.4526';
const ROOTS = ['1.3.6.1.4.1.4526.10', '1.3.6.1.4.1.4526.11'];
/** Netgear also makes NAS, access points and controllers under the same enterprise. */
const NOT_A_SWITCH = /ReadyNAS|ReadyDATA|WAC\d|WNDAP|WNAP|WC\d{4}|Orbi|Insight.*(AP|Access Point)/i;

/** "GS724Tv4 ProSafe 24-port Gigabit Ethernet Smart Switch, 6.3.1.11, B1.0.0.4": model, firmware, boot code. */
export function parseNetgearDescr(sysDescr: string): { model?: string; version?: string } {
  const m = /^(\S+)[^,]*,\s*(\d[\w.]*)/.exec(sysDescr);
  return m ? { model: m[1], version: m[2] } : { model: /^([A-Z]{2,4}\d{3,4}\S*)/.exec(sysDescr)?.[1] };
}

export const netgear: Profile = {
  id: 'netgear-switch',
  vendor: 'Netgear',
  class: 'switch',
  match(sys: SysInfo): number {
    if (NOT_A_SWITCH.test(sys.sysDescr)) return 0;
    if (oidUnder(sys.sysObjectID, NETGEAR)) return 100;
    if (/^(?:GS|GSM|XS|MS|M4\d{3})\d*\S* .*Switch/.test(sys.sysDescr)) return 40;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    // One GET of each root's MemAvailable finds which tree this model implements.
    const probe = await ctx.snmp.get(ROOTS.map((r) => `${r}.1.1.4.2.0`));
    const root = ROOTS.find((r) => probe.has(`${r}.1.1.4.2.0`)) ?? ROOTS[0]!;
    const [chassis, fp] = await Promise.all([entityChassis(ctx), readFastpath(ctx, { switching: `${root}.1`, boxServices: `${root}.43` })]);
    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: fp.cpu_pct, mem_used_pct: fp.mem_used_pct, mem_total_bytes: fp.mem_total_bytes, temp_c: hottest(fp.readings) }));
    pushReadings(points, fp.readings);
    const d = parseNetgearDescr(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'switch',
        vendor: 'Netgear',
        os: 'Netgear FASTPATH',
        model: d.model ?? chassis.model,
        version: d.version ?? chassis.softwareRev,
        serial: fp.serial ?? chassis.serial,
      },
      points,
    };
  },
};

import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { oidUnder, pushAll } from '../util.js';
import { entityChassis, hottest, pushReadings, systemPoint } from './common.js';
import { readFastpath } from './fastpath.js';

/**
 * Ubiquiti EdgeSwitch and UniFi switches. Broadcom-based models (EdgeSwitch, UniFi gen1) run FASTPATH under
 * enterprise 4413 and expose CPU, memory, fans and temperatures there. Realtek-based ones (EdgeSwitch 10X/XP,
 * USW-Flex, most gen2 UniFi) expose little beyond ENTITY-MIB, and identify themselves oddly: a bare
 * ".1.3.6.1.4.1" sysObjectID or Realtek's, with the model only in sysDescr or the ENTITY chassis row.
 */

const BROADCOM = '1.3.6.1.4.1.4413';
const UBIQUITI = '1.3.6.1.4.1.41112';
const BARE_ENTERPRISES = '1.3.6.1.4.1';
const REALTEK_AGENTS = ['1.3.6.1.4.1.27282.3.2.10', '1.3.6.1.4.1.8072.3.2.10'];
const UBNT_DESCR = /^(?:EdgeSwitch|EdgePoint|USW[ -]|UBNT US|US[ -]|Ubiquiti UniFi|UniFi)/;
const UNIFI_DESCR = /^(?:USW[ -]|UBNT US|US[ -]|Ubiquiti UniFi|UniFi)/;
/** The Realtek agent of EdgeSwitch 10X/10XP puts the switch chip in sysDescr. */
const REALTEK_DESCR = /^RTL83\d\d/;

/** "USW-Flex-XG, 6.2.14.13855" / "EdgeSwitch 24-Port 250W, 1.7.1.4993748, Linux 3.6.5-…": model, then firmware. */
export function parseUbntDescr(sysDescr: string): { model?: string; version?: string } {
  if (!UBNT_DESCR.test(sysDescr)) return {};
  const [model, version] = sysDescr.split(',').map((s) => s.trim());
  return { model: model || undefined, version: version && /^\d/.test(version) ? version : undefined };
}

export const ubiquiti: Profile = {
  id: 'ubiquiti-switch',
  vendor: 'Ubiquiti',
  class: 'switch',
  match(sys: SysInfo): number {
    const id = sys.sysObjectID;
    if (UBNT_DESCR.test(sys.sysDescr)) {
      if (oidUnder(id, BROADCOM) || oidUnder(id, UBIQUITI)) return 100;
      if (id === BARE_ENTERPRISES) return 80;
      return 50;
    }
    if (REALTEK_AGENTS.includes(id) && REALTEK_DESCR.test(sys.sysDescr)) return 60;
    return 0;
  },
  async collect(ctx: ProfileContext): Promise<ProfileOutput> {
    const [chassis, fp] = await Promise.all([
      entityChassis(ctx),
      readFastpath(ctx, { switching: `${BROADCOM}.1.1.1`, boxServices: `${BROADCOM}.1.1.43` }),
    ]);
    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: fp.cpu_pct, mem_used_pct: fp.mem_used_pct, mem_total_bytes: fp.mem_total_bytes, temp_c: hottest(fp.readings) }));
    pushReadings(points, fp.readings);
    const d = parseUbntDescr(ctx.sys.sysDescr);
    return {
      identity: {
        class: 'switch',
        vendor: 'Ubiquiti',
        os: UNIFI_DESCR.test(ctx.sys.sysDescr) ? 'UniFi' : 'EdgeSwitch',
        model: d.model ?? chassis.model ?? chassis.name,
        version: d.version ?? chassis.softwareRev,
        serial: fp.serial ?? chassis.serial,
      },
      points,
    };
  },
};

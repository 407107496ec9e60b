import type { Point } from '../../types.js';
import type { Profile, ProfileContext } from '../types.js';
import { type Varbind, asString } from '../../snmp/varbind.js';
import { byIndex, num, pushAll, round, scalars, str, table, walkColumns } from '../util.js';
import { ENT, SCORE, enterprise, firewallPoint, systemPoint } from './common.js';

/**
 * Cisco ASA and Firepower running ASA/FTD. Cisco shares enterprise 9 across every product line, so the
 * sysDescr product name ("Adaptive Security Appliance", "Firepower Threat Defense") is what makes it certain.
 */

const S = {
  conns: '1.3.6.1.4.1.9.9.147.1.2.2.2.1.5.40.6', // cfwConnectionStatValue.protoIp(40).currentInUse(6)
  vpnSessions: '1.3.6.1.4.1.9.9.392.1.3.1.0', // crasNumSessions: every active VPN session (remote access + L2L)
  model: ENT.model1,
  serial: ENT.serial1,
} as const;

const HW_STATUS_ENTRY = '1.3.6.1.4.1.9.9.147.1.2.1.1.1'; // cfwHardwareStatusEntry: 2 information, 3 value, 4 detail
const CPU_5MIN = '1.3.6.1.4.1.9.9.109.1.1.1.1.8'; // CISCO-PROCESS-MIB cpmCPUTotal5minRev
const MEMPOOL = '1.3.6.1.4.1.9.9.221.1.1.1.1'; // CISCO-ENHANCED-MEMPOOL-MIB cempMemPoolEntry
const MP = { name: 3, used: 7, free: 8, hcUsed: 18, hcFree: 20 } as const;

export interface AsaUnitRow {
  information?: string;
  value?: number;
  detail?: string;
}

/**
 * HardwareStatus of the failover unit marked "(this device)": active(9) and standby(10) are the only values
 * that mean failover is running; "Failover Off" or any other value means the unit stands alone.
 */
export function asaHaState(rows: AsaUnitRow[]): string | undefined {
  const self = rows.find((r) => /this device/i.test(r.information ?? ''));
  if (!self) return undefined;
  if (self.value === 9) return 'active';
  if (self.value === 10) return 'standby';
  return 'standalone';
}

/** "System memory" of the lowest physical entity: the pool every ASA has, and the one that runs out. */
async function memory(ctx: ProfileContext): Promise<{ mem_used_pct?: number; mem_total_bytes?: number }> {
  // The five columns in one multi-column walk (was one walk each, one after the other).
  const rows = await walkColumns(ctx, MEMPOOL, Object.values(MP));
  // byIndex, not localeCompare with { numeric: true }: that builds a collator per comparison (~2 ms a poll).
  const system = [...rows.entries()]
    .filter(([, r]) => /system memory|processor/i.test(asString(r.get(MP.name)?.value) ?? ''))
    .sort(([a], [b]) => byIndex(a, b))[0]?.[1];
  if (!system) return {};
  // The 64-bit HC columns exist on boxes with more than 4 GB; prefer them so a big pool does not wrap.
  const used = num(system.get(MP.hcUsed)) ?? num(system.get(MP.used));
  const free = num(system.get(MP.hcFree)) ?? num(system.get(MP.free));
  if (used === undefined || free === undefined || used + free <= 0) return {};
  return { mem_used_pct: round((used / (used + free)) * 100), mem_total_bytes: used + free };
}

export const asa: Profile = {
  id: 'cisco-asa',
  vendor: 'Cisco',
  class: 'firewall',
  match(sys) {
    if (enterprise(sys.sysObjectID) !== 9) return 0;
    return /adaptive security appliance|firepower threat defense/i.test(sys.sysDescr) ? SCORE.exact : 0;
  },
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const units: AsaUnitRow[] = [...(await table(ctx, HW_STATUS_ENTRY)).values()].map((r) => ({
      information: str(r.get(2)),
      value: num(r.get(3)),
      detail: str(r.get(4)),
    }));
    const cpus = (await ctx.snmp.walk(CPU_5MIN)).map((vb) => num(vb)).filter((n): n is number => n !== undefined);
    const mem = await memory(ctx);

    const points: Point[] = [];
    pushAll(
      points,
      systemPoint({ cpu_pct: cpus.length ? round(cpus.reduce((a, b) => a + b, 0) / cpus.length) : undefined, ...mem }),
      firewallPoint({ sessions: num(v.conns), vpn_tunnels_up: num(v.vpnSessions), ha_state: asaHaState(units) }),
    );
    const d = ctx.sys.sysDescr;
    return {
      identity: {
        vendor: 'Cisco',
        os: /firepower threat defense/i.test(d) ? 'FTD' : 'ASA',
        model: str(v.model),
        version: /Version\s+([\w.()-]+)/i.exec(d)?.[1],
        serial: str(v.serial),
      },
      points,
    };
  },
};

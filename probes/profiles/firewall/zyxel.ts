import type { Point } from '../../types.js';
import type { Profile } from '../types.js';
import { num, pushAll, scalars, str } from '../util.js';
import { NETSNMP_LINUX, SCORE, enterprise, firewallPoint, systemPoint } from './common.js';

/**
 * Zyxel USG / USG FLEX / ATP / ZyWALL / VPN series. USG FLEX H (uOS) answers net-snmp's Linux sysObjectID
 * with the bare model as sysDescr, so the model family in sysDescr is the evidence; values come from
 * ZYXEL-ES-COMMON (890.1.15.3), with ZYXEL-ZYWALL-ZLD-COMMON-MIB (890.1.6.22) for older ZLD firmware.
 * Zyxel switches and access points share enterprise 890 and are not claimed.
 */

const ES = '1.3.6.1.4.1.890.1.15.3';
const ZLD = '1.3.6.1.4.1.890.1.6.22';
const S = {
  version: `${ES}.1.6.0`, // sysSwVersionString
  model: `${ES}.1.11.0`, // sysProductModel
  serial: `${ES}.1.12.0`, // sysProductSerialNumber
  sessions: `${ES}.1.19.0`, // sysActiveSessionNum
  cpu: `${ES}.2.4.0`, // sysMgmtCPUUsage %
  mem: `${ES}.2.5.0`, // sysMgmtMemUsage %
  zldCpu: `${ZLD}.1.1.0`, // sysCPUUsage
  zldRam: `${ZLD}.1.2.0`, // sysRAMUsage
  zldSessions: `${ZLD}.1.6.0`, // sysSessionNum
  zldVpnConnected: `${ZLD}.2.5.3.0`, // vpnConnectionConnected
} as const;

/** Zyxel names: USG FLEX 100H, USG20W-VPN, USG110, ATP200, VPN100, ZyWALL 110. Ubiquiti's "USG-3P" is not one. */
const FAMILY = /^(USG\s?FLEX|USG\d|ZyWALL|ATP\d|VPN\d{2,4}\b)/i;

export const zyxel: Profile = {
  id: 'zyxel-usg',
  vendor: 'Zyxel',
  class: 'firewall',
  match(sys) {
    if (!FAMILY.test(sys.sysDescr.trim())) return 0;
    if (enterprise(sys.sysObjectID) === 890) return SCORE.exact;
    return sys.sysObjectID === NETSNMP_LINUX ? SCORE.product : SCORE.descr;
  },
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const points: Point[] = [];
    pushAll(
      points,
      systemPoint({ cpu_pct: num(v.cpu) ?? num(v.zldCpu), mem_used_pct: num(v.mem) ?? num(v.zldRam) }),
      firewallPoint({ sessions: num(v.sessions) ?? num(v.zldSessions), vpn_tunnels_up: num(v.zldVpnConnected) }),
    );
    return {
      identity: {
        vendor: 'Zyxel',
        os: 'ZLD',
        model: str(v.model) ?? (ctx.sys.sysDescr.trim() || undefined),
        version: str(v.version),
        serial: str(v.serial),
      },
      points,
    };
  },
};

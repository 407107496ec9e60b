import type { Point } from '../../types.js';
import type { Profile } from '../types.js';
import { num, pushAll, scalars, str, table } from '../util.js';
import { SCORE, enterprise, firewallPoint, hottest, sensorClassFromName, sensorPoint, systemPoint } from './common.js';

/**
 * SonicWall (SONICWALL-FIREWALL-IP-STATISTICS-MIB and SNWL-COMMON-MIB, enterprise 8741). Some SonicOS 7
 * builds answer a malformed sysObjectID (`1.0.3.0.6.0.1.0` in the TZ570 recording), so sysDescr's
 * "SonicWALL" prefix is accepted as near-certain evidence too.
 */

const STATS = '1.3.6.1.4.1.8741.1.3.1';
const S = {
  connMax: `${STATS}.1.0`, // sonicMaxConnCacheEntries
  conn: `${STATS}.2.0`, // sonicCurrentConnCacheEntries
  cpu: `${STATS}.3.0`, // sonicCurrentCPUUtil %
  ram: `${STATS}.4.0`, // sonicCurrentRAMUtil %
  model: '1.3.6.1.4.1.8741.2.1.1.1.0', // snwlSysModel
  serial: '1.3.6.1.4.1.8741.2.1.1.2.0', // snwlSysSerialNumber
  firmware: '1.3.6.1.4.1.8741.2.1.1.3.0', // snwlSysFirmwareVersion "SonicOS 7.0.1-R1456"
} as const;

/** sonicSAStatPeerGateway: one row per phase-2 SA, i.e. per tunnel that is up. */
const SA_PEER = '1.3.6.1.4.1.8741.1.3.2.1.1.1.2';
/** sonicwallSensorsEntry: 3 name, 4 value (integer), 5 unit text. */
const SENSOR_ENTRY = '1.3.6.1.4.1.8741.1.3.3.3.1.1';

export const sonicwall: Profile = {
  id: 'sonicwall',
  vendor: 'SonicWall',
  class: 'firewall',
  match(sys) {
    if (enterprise(sys.sysObjectID) === 8741) return SCORE.exact;
    return /^sonicwall\b/i.test(sys.sysDescr) ? SCORE.product : 0;
  },
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const d = ctx.sys.sysDescr;
    const firmware = str(v.firmware) ?? /\((SonicOS[^)]*)\)/i.exec(d)?.[1];
    const version = firmware?.replace(/^SonicOS\s*(Enhanced\s*)?/i, '').trim() || undefined;

    const points: Point[] = [];
    const temps: number[] = [];
    for (const [index, row] of await table(ctx, SENSOR_ENTRY)) {
      const name = str(row.get(3)) ?? `sensor ${index}`;
      const unit = str(row.get(5)) ?? '';
      const value = num(row.get(4));
      const cls = /°?\s?c$|celsius/i.test(unit) ? 'temperature' : /rpm/i.test(unit) ? 'fan' : /^m?v$/i.test(unit) ? 'voltage' : sensorClassFromName(name);
      const scaled = value !== undefined && /^mv$/i.test(unit) ? value / 1000 : value;
      if (cls === 'temperature') temps.push(scaled as number);
      pushAll(points, sensorPoint(cls, name, { value: scaled }));
    }
    // An empty SA table means no tunnel is up, but only if the firewall statistics module answered at all.
    const tunnels = num(v.conn) === undefined ? undefined : (await ctx.snmp.walk(SA_PEER)).length;

    pushAll(
      points,
      systemPoint({ cpu_pct: num(v.cpu), mem_used_pct: num(v.ram), temp_c: hottest(temps) }),
      firewallPoint({ sessions: num(v.conn), sessions_max: num(v.connMax), vpn_tunnels_up: tunnels }),
    );
    return {
      identity: {
        vendor: 'SonicWall',
        os: 'SonicOS',
        model: str(v.model) ?? /^SonicWALL\s+(.+?)\s*\(/i.exec(d)?.[1],
        version,
        serial: str(v.serial),
      },
      points,
    };
  },
};

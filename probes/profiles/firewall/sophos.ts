import type { Point } from '../../types.js';
import type { Profile } from '../types.js';
import type { Varbind } from '../../snmp/varbind.js';
import { num, oidUnder, pushAll, scalars, str } from '../util.js';
import { SCORE, bytes, firewallPoint, hrCpuPct, licensePoint, parseExpiry, systemPoint } from './common.js';

/**
 * Sophos Firewall / XG (SFOS-FIREWALL-MIB, 2604.5). SFOS reports its subscriptions one by one with a status
 * and an expiry date; that is what an MSP most needs from it ("web protection expired in March").
 */

const X = '1.3.6.1.4.1.2604.5.1';
const S = {
  type: `${X}.1.2.0`, // sfosDeviceType, e.g. XG-210 or SFVH_SO01_SFOS for a virtual appliance
  firmware: `${X}.1.3.0`, // sfosDeviceFWVersion
  appKey: `${X}.1.4.0`, // sfosDeviceAppKey: the appliance's licensing identity, used as its serial
  memMb: `${X}.2.5.1.0`, // sfosMemoryCapacity MB
  memPct: `${X}.2.5.2.0`, // sfosMemoryPercentUsage
  haStatus: `${X}.4.1.0`, // sfosHAStatus: disabled(0) enabled(1)
  haState: `${X}.4.4.0`, // sfosDeviceCurrentHAState
} as const;

/** sfosXGLicenseDetails.N: .1 SubscriptionStatusType, .2 expiry date text ("Nov 10 2021"). */
const LICENSES: Array<[number, string]> = [
  [1, 'firewall'],
  [2, 'network_protection'],
  [3, 'web_protection'],
  [4, 'email_protection'],
  [5, 'webserver_protection'],
  [6, 'sandstorm'],
  [7, 'support'],
  [8, 'support_plus'],
  [9, 'central_orchestration'],
];
const SUBSCRIPTION: Record<number, string> = { 0: 'none', 1: 'evaluating', 2: 'not_subscribed', 3: 'subscribed', 4: 'expired', 5: 'deactivated' };

const TUNNEL_ACTIVE = `${X}.6.1.1.1.1.8`; // sfosIPSecVpnActiveTunnel: active tunnels per connection

/** SFOS HaState: notapplicable(0) auxiliary(1) standAlone(2) primary(3) faulty(4) ready(5). */
const HA: Record<number, string> = { 1: 'secondary', 2: 'standalone', 3: 'primary', 4: 'faulty', 5: 'ready' };

export function sophosHaState(haStatus: number | undefined, current: number | undefined): string | undefined {
  if (haStatus === 0) return 'standalone';
  if (current !== undefined && HA[current]) return HA[current];
  return undefined;
}

export const sophos: Profile = {
  id: 'sophos-sfos',
  vendor: 'Sophos',
  class: 'firewall',
  match: (sys) => (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.2604.5') ? SCORE.exact : 0),
  async collect(ctx) {
    const licOids: Record<string, string> = {};
    for (const [n] of LICENSES) {
      licOids[`s${n}`] = `${X}.5.${n}.1.0`;
      licOids[`e${n}`] = `${X}.5.${n}.2.0`;
    }
    const v: Record<string, Varbind | undefined> = await scalars<string>(ctx, { ...S, ...licOids });
    const points: Point[] = [];
    for (const [n, name] of LICENSES) {
      const status = num(v[`s${n}`]);
      pushAll(points, licensePoint(name, parseExpiry(bytes(v[`e${n}`])), ctx.now, { status: status === undefined ? undefined : (SUBSCRIPTION[status] ?? String(status)) }));
    }
    const active = (await ctx.snmp.walk(TUNNEL_ACTIVE)).map((vb) => num(vb)).filter((n): n is number => n !== undefined);
    const memMb = num(v.memMb);
    pushAll(
      points,
      systemPoint({ cpu_pct: await hrCpuPct(ctx), mem_used_pct: num(v.memPct), mem_total_bytes: memMb === undefined ? undefined : memMb * 1048576 }),
      firewallPoint({
        vpn_tunnels_up: active.length ? active.reduce((a, b) => a + b, 0) : undefined,
        ha_state: sophosHaState(num(v.haStatus), num(v.haState)),
      }),
    );
    return {
      identity: { vendor: 'Sophos', os: 'SFOS', model: str(v.type), version: str(v.firmware), serial: str(v.appKey) },
      points,
    };
  },
};

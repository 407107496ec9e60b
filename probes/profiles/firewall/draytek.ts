import type { Point } from '../../types.js';
import type { Profile } from '../types.js';
import { num, pushAll, scalars, str } from '../util.js';
import { SCORE, enterprise, firewallPoint, hrCpuPct, systemPoint } from './common.js';

/**
 * DrayTek Vigor routers (DRAYTEK-MIB, 7367). Model and firmware are in a fixed-format sysDescr
 * ("Router Model: Vigor2962, Version: 4.3.2.5"); memory and VPN counts in the private MIB; CPU in
 * hrProcessorLoad.
 */

const S = {
  model: '1.3.6.1.4.1.7367.3.1.0', // routerModel
  mem: '1.3.6.1.4.1.7367.3.7.0', // memoryUsage %
  tunnels: '1.3.6.1.4.1.7367.2.1.1.0', // connectedTunnels: every connected VPN
  l2l: '1.3.6.1.4.1.7367.2.2.1.0', // connectedL2LTunnels
  dialIn: '1.3.6.1.4.1.7367.2.3.1.0', // connectedRDinTunnels
} as const;

export function draytekDescr(sysDescr: string): { model?: string; version?: string } {
  return {
    model: /Router Model:\s*([^,]+?)\s*,/i.exec(sysDescr)?.[1],
    version: /Version:\s*([\w.\-]+)/i.exec(sysDescr)?.[1],
  };
}

export const draytek: Profile = {
  id: 'draytek',
  vendor: 'DrayTek',
  class: 'firewall',
  match(sys) {
    if (enterprise(sys.sysObjectID) === 7367) return SCORE.exact;
    return /^DrayTek\b/i.test(sys.sysDescr) ? SCORE.product : 0;
  },
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const l2l = num(v.l2l);
    const dialIn = num(v.dialIn);
    const tunnels = num(v.tunnels) ?? (l2l === undefined && dialIn === undefined ? undefined : (l2l ?? 0) + (dialIn ?? 0));
    const points: Point[] = [];
    pushAll(points, systemPoint({ cpu_pct: await hrCpuPct(ctx), mem_used_pct: num(v.mem) }), firewallPoint({ vpn_tunnels_up: tunnels }));
    const descr = draytekDescr(ctx.sys.sysDescr);
    return {
      identity: { vendor: 'DrayTek', os: 'DrayOS', model: str(v.model) ?? descr.model, version: descr.version },
      points,
    };
  },
};

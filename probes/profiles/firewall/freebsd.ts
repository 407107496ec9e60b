import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import { num, pushAll, scalars } from '../util.js';
import { BSNMPD_FREEBSD, NETSNMP_FREEBSD, SCORE, UCD, firewallPoint, hrCpuPct, systemPoint, ucdSystem } from './common.js';

/**
 * pfSense and OPNsense: FreeBSD with pf. Their agents (bsnmpd on pfSense, net-snmp on OPNsense) report the
 * OS's sysObjectID, which every plain FreeBSD server shares, so the product is recognised only from evidence
 * in sysDescr: the product name, or OPNsense's `stable/YY.M` source branch and its `sensey` build host.
 * A FreeBSD box without that evidence is left to the server profiles.
 */

const PF = {
  running: '1.3.6.1.4.1.12325.1.200.1.1.1.0', // BEGEMOT-PF-MIB pfStatusRunning (1 true, 2 false)
  states: '1.3.6.1.4.1.12325.1.200.1.3.1.0', // pfStateTableCount: current pf states = sessions
  statesLimit: '1.3.6.1.4.1.12325.1.200.1.5.1.0', // pfLimitsStates: the state table's hard limit
} as const;

const OPNSENSE_BRANCH = /\bstable\/(\d{2}\.\d{1,2})\b/;

function freebsdAgent(oid: string): boolean {
  return oid === NETSNMP_FREEBSD || oid === BSNMPD_FREEBSD;
}

export function matchPfsense(sys: SysInfo): number {
  return /\bpfsense\b/i.test(sys.sysDescr) ? SCORE.exact : 0;
}

export function matchOpnsense(sys: SysInfo): number {
  if (/\bopnsense\b/i.test(sys.sysDescr)) return SCORE.exact;
  if (freebsdAgent(sys.sysObjectID) && (OPNSENSE_BRANCH.test(sys.sysDescr) || /@sensey\b/.test(sys.sysDescr))) return SCORE.product;
  return 0;
}

async function collectPf(ctx: ProfileContext): Promise<ProfileOutput['points']> {
  const v = await scalars(ctx, { ...UCD, ...PF });
  const sys = ucdSystem(v);
  if (sys.cpu_pct === undefined) sys.cpu_pct = await hrCpuPct(ctx);
  const points: ProfileOutput['points'] = [];
  pushAll(points, systemPoint(sys), firewallPoint({ sessions: num(v.states), sessions_max: num(v.statesLimit) }));
  return points;
}

export const pfsense: Profile = {
  id: 'pfsense',
  vendor: 'Netgate',
  class: 'firewall',
  match: matchPfsense,
  async collect(ctx) {
    const version = /pfSense\s+(\d[^\s]*)/i.exec(ctx.sys.sysDescr)?.[1];
    return { identity: { vendor: 'Netgate', os: 'pfSense', version }, points: await collectPf(ctx) };
  },
};

export const opnsense: Profile = {
  id: 'opnsense',
  vendor: 'Deciso',
  class: 'firewall',
  match: matchOpnsense,
  async collect(ctx) {
    const d = ctx.sys.sysDescr;
    const version = /OPNsense\s+(\d[\w.\-_]*)/i.exec(d)?.[1] ?? OPNSENSE_BRANCH.exec(d)?.[1];
    return { identity: { vendor: 'Deciso', os: 'OPNsense', version }, points: await collectPf(ctx) };
  },
};

import type { Identity } from '../../types.js';
import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { oidUnder, pushAll } from '../util.js';
import { type UpsMibReading, readUpsMib } from '../generic/ups-mib.js';
import { upsPoint } from './common.js';

/**
 * Cards that speak only RFC 1628 (UPS-MIB): Generex CS121/CS141 (on Multimatic, AEG, Riello, Socomec and
 * many other UPSes) and Riello NetMan. The UPS maker is whatever upsIdentManufacturer says; the card family
 * comes from sysObjectID/sysDescr and the agent version string.
 */

type CardIdentity = (r: UpsMibReading, sys: SysInfo) => Pick<Identity, 'os' | 'version' | 'vendor'>;

function rfc1628Profile(id: string, vendor: string, match: (sys: SysInfo) => number, card: CardIdentity): Profile {
  return {
    id,
    covers: ['ups-mib'],
    vendor,
    class: 'ups',
    match,
    async collect(ctx: ProfileContext): Promise<ProfileOutput> {
      const r = await readUpsMib(ctx);
      if (!r) return { identity: { class: 'ups' }, points: [], errors: ['UPS-MIB did not answer'] };
      const points: Point[] = [];
      pushAll(points, upsPoint(r.fields), ...r.sensors);
      const c = card(r, ctx.sys);
      return {
        identity: { class: 'ups', vendor: r.manufacturer ?? c.vendor, model: r.model, os: c.os, version: c.version },
        points,
      };
    },
  };
}

/** "CS141-SNMP V1.80.17 190618" → CS141, 1.80.17. */
function generexCard(r: UpsMibReading, sys: SysInfo): Pick<Identity, 'os' | 'version' | 'vendor'> {
  const m = /\b(CS1[0-9]{2})\S*\s+V?(\d[\d.]*)/i.exec(r.agentSoftwareVersion ?? '');
  const family = m?.[1] ?? /\b(CS1[0-9]{2})\b/i.exec(sys.sysDescr)?.[1];
  return { vendor: 'Generex', os: family?.toUpperCase(), version: m?.[2] };
}

/** NetMan cards leave the agent version empty on most firmware; the family is in sysDescr ("Netman 204"). */
function netmanCard(r: UpsMibReading, sys: SysInfo): Pick<Identity, 'os' | 'version' | 'vendor'> {
  const family = /\bnet\s?man(?:\s*plus)?(?:\s+\d+)?/i.exec(sys.sysDescr)?.[0];
  return { vendor: 'Riello', os: family ?? 'NetMan', version: /(\d+\.\d[\w.]*)/.exec(r.agentSoftwareVersion ?? '')?.[1] };
}

/** Generex cards report the UPS-MIB root itself as their sysObjectID. */
export const generexProfile = rfc1628Profile(
  'generex',
  'Generex',
  (sys) => (oidUnder(sys.sysObjectID, '1.3.6.1.2.1.33') ? 100 : /\bCS1[24]1\b/i.test(sys.sysDescr) ? 50 : 0),
  generexCard,
);

/** Riello UPS (RPS SpA) NetMan cards, enterprise 5491. */
export const netmanProfile = rfc1628Profile(
  'netman',
  'Riello',
  (sys) => (oidUnder(sys.sysObjectID, '1.3.6.1.4.1.5491') ? 100 : /\bnet\s?man\b/i.test(sys.sysDescr) ? 50 : 0),
  netmanCard,
);

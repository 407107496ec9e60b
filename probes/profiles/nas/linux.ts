import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { num, oidUnder, point, pushAll, round, scalars, str } from '../util.js';
import { diskPoint, int } from './common.js';
import { parseSmartExtend } from './smart-extend.js';
import { collectSynology, SYNO_MODEL } from './synology.js';
import { collectQnap, QNAP_MODEL } from './qnap.js';

/**
 * Linux with net-snmp (sysObjectID 8072.3.2.10): any server, hypervisor dom0 or appliance. Scored low (20) so a
 * firewall or NAS profile that recognises the same box wins. Synology DSM and old QNAP firmware look exactly like
 * this from the system group, so the first GET also asks for their model OIDs and hands over when they answer.
 */

export const NETSNMP_LINUX = '1.3.6.1.4.1.8072.3.2.10';
const UCD = '1.3.6.1.4.1.2021';
/** nsExtendOutput* index is the extend's name as length-prefixed ASCII. */
function extendIndex(name: string): string {
  return [name.length, ...Buffer.from(name, 'ascii')].join('.');
}
const EXTEND_OUT = '1.3.6.1.4.1.8072.1.3.2.3.1';
const OIDS = {
  synology: SYNO_MODEL,
  qnap: QNAP_MODEL,
  memTotalKiB: `${UCD}.4.5.0`,
  memAvailKiB: `${UCD}.4.6.0`,
  memBufferKiB: `${UCD}.4.14.0`,
  memCachedKiB: `${UCD}.4.15.0`,
  load1: `${UCD}.10.1.5.1`,
  load5: `${UCD}.10.1.5.2`,
  load15: `${UCD}.10.1.5.3`,
  // LibreNMS's distro extend (one line, e.g. "XCP-ng 8.3.0") and smart extend (JSON).
  distro: `${EXTEND_OUT}.1.${extendIndex('distro')}`,
  smart: `${EXTEND_OUT}.2.${extendIndex('smart')}`,
};

/** "Linux lab01 4.19.0+1 #1 SMP … x86_64" → kernel release. */
export function kernelOf(sysDescr: string): string | undefined {
  return /^Linux\s+\S+\s+(\S+)/.exec(sysDescr)?.[1];
}

export async function collectLinux(ctx: ProfileContext): Promise<ProfileOutput> {
  const s = await scalars(ctx, OIDS);
  if (str(s.synology)) return collectSynology(ctx);
  if (str(s.qnap)) return collectQnap(ctx);

  const points: Point[] = [];
  const errors: string[] = [];

  // UCD memory: free alone understates what applications can use, so buffers and page cache count as free —
  // the same accounting as the HOST-RESOURCES collector, which these values replace when both are present.
  const total = num(s.memTotalKiB);
  const avail = num(s.memAvailKiB);
  if (total && avail !== undefined) {
    const used = total - avail - (num(s.memBufferKiB) ?? 0) - (num(s.memCachedKiB) ?? 0);
    pushAll(points, point('system', {}, { mem_total_bytes: int(total * 1024), mem_used_pct: round((Math.max(used, 0) / total) * 100) }));
  }
  for (const [name, vb] of [['load 1 min', s.load1], ['load 5 min', s.load5], ['load 15 min', s.load15]] as const) {
    const v = num(vb);
    // laLoadInt is the load average ×100, an integer: cheaper and safer to parse than laLoad's text.
    if (v !== undefined) points.push(point('sensor', { class: 'load', name }, { value: round(v / 100) })!);
  }

  const smartText = str(s.smart);
  if (smartText) {
    const disks = parseSmartExtend(smartText);
    if (disks) for (const d of disks) points.push(diskPoint(d));
    else errors.push('smart extend: output is not the JSON (v1) format; disks skipped');
  }

  // No vendor: the hardware maker, when ENTITY-MIB knows it, says more than "Linux" (the profile's fallback).
  return {
    identity: { class: 'server', os: str(s.distro) ?? 'Linux', version: kernelOf(ctx.sys.sysDescr), profile: 'linux' },
    points,
    errors,
  };
}

export const linuxProfile: Profile = {
  id: 'linux',
  vendor: 'Linux',
  class: 'server',
  /**
   * Generic OS match, well under any vendor profile (100 for a sysObjectID, 50 for a sysDescr pattern), so a
   * firewall distribution on net-snmp Linux still goes to its firewall profile. An appliance that rewrote
   * sysDescr (Zyxel's "USG FLEX 100H") scores lower still; a vendor sysObjectID with a "Linux …" sysDescr
   * (Sophos XG, QNAP) is not claimed at all: its vendor is known.
   */
  match(sys: SysInfo): number {
    const linuxDescr = /^Linux\s/.test(sys.sysDescr);
    if (oidUnder(sys.sysObjectID, NETSNMP_LINUX)) return linuxDescr ? 20 : 10;
    return linuxDescr && !sys.sysObjectID ? 15 : 0;
  },
  collect: collectLinux,
};

import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import { oidUnder } from '../util.js';

/**
 * Windows SNMP service (Microsoft, enterprise 311). Everything measurable comes from HOST-RESOURCES; this profile
 * names the release, which Windows only gives as a build number in sysDescr
 * ("Hardware: Intel64 Family 6 … - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)").
 */

/** sysObjectID 311.1.1.3.1.{1 workstation, 2 server, 3 domain controller}. */
const WINDOWS = '1.3.6.1.4.1.311.1.1.3.1';

/** Server builds share numbers with client releases; the sysObjectID says which family. */
const SERVER_BUILDS: Record<number, string> = {
  3790: 'Server 2003', 6001: 'Server 2008', 6002: 'Server 2008 SP2', 7600: 'Server 2008 R2', 7601: 'Server 2008 R2 SP1',
  9200: 'Server 2012', 9600: 'Server 2012 R2', 14393: 'Server 2016 (1607)', 17763: 'Server 2019 (1809)',
  20348: 'Server 2022 (21H2)', 26100: 'Server 2025 (24H2)',
};
const CLIENT_BUILDS: Record<number, string> = {
  7601: '7 SP1', 9600: '8.1', 10240: '10 (1507)', 14393: '10 (1607)', 17763: '10 (1809)', 19041: '10 (2004)',
  19044: '10 (21H2)', 19045: '10 (22H2)', 22000: '11 (21H2)', 22621: '11 (22H2)', 22631: '11 (23H2)', 26100: '11 (24H2)',
};

export function parseWindowsDescr(sysDescr: string, sysObjectID: string): { version?: string; model?: string; build?: number } {
  const build = Number(/Build\s+(\d+)/i.exec(sysDescr)?.[1]) || undefined;
  const server = !oidUnder(sysObjectID, `${WINDOWS}.1`);
  const table = server ? SERVER_BUILDS : CLIENT_BUILDS;
  const version = build === undefined ? undefined : (table[build] ?? `${server ? 'Server' : 'Windows'} build ${build}`);
  const hw = /Hardware:\s*(\S+)/i.exec(sysDescr)?.[1];
  const model = hw === 'Intel64' ? 'Intel x64' : hw === 'AMD64' ? 'AMD x64' : hw === 'x86' ? 'x86' : hw;
  return { version, model, build };
}

export async function collectWindows(ctx: ProfileContext): Promise<ProfileOutput> {
  const d = parseWindowsDescr(ctx.sys.sysDescr, ctx.sys.sysObjectID);
  return { identity: { class: 'server', os: 'Windows', version: d.version, model: d.model, profile: 'windows' }, points: [] };
}

export const windowsProfile: Profile = {
  id: 'windows',
  vendor: 'Microsoft',
  class: 'server',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, WINDOWS)) return 100;
    return /Software:\s*Windows/i.test(sys.sysDescr) ? 50 : 0;
  },
  collect: collectWindows,
};

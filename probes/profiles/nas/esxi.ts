import type { Profile, ProfileContext, ProfileOutput, SysInfo } from '../types.js';
import type { Point } from '../../types.js';
import { asString } from '../../snmp/varbind.js';
import { oidUnder, point, pushAll, scalars, str } from '../util.js';

/**
 * VMware ESXi (enterprise 6876): VMWARE-SYSTEM-MIB names the release and build; VMWARE-VMINFO-MIB's VM table
 * gives how many guests exist and run (only the state column is walked). Hardware model and serial come from
 * ENTITY-MIB, CPU/memory/datastores from HOST-RESOURCES.
 */

const VMWARE = '1.3.6.1.4.1.6876';
const OIDS = { product: `${VMWARE}.1.1.0`, version: `${VMWARE}.1.2.0`, build: `${VMWARE}.1.4.0` };
/** vmwVmState: "powered on"/"poweredOn" depending on the release. */
const VM_STATE = `${VMWARE}.2.1.1.6`;

export async function collectEsxi(ctx: ProfileContext): Promise<ProfileOutput> {
  const points: Point[] = [];
  const s = await scalars(ctx, OIDS);
  const states = await ctx.snmp.walk(VM_STATE);
  const on = states.filter((v) => /^powered\s*on$/i.test(asString(v.value)?.trim() ?? '')).length;
  if (states.length) {
    pushAll(
      points,
      point('sensor', { class: 'count', name: 'VMs' }, { value: states.length }),
      point('sensor', { class: 'count', name: 'VMs powered on' }, { value: on }),
    );
  }
  const fromDescr = /ESXi\s+([\d.]+)\s+build-(\d+)/i.exec(ctx.sys.sysDescr);
  const version = str(s.version) ?? fromDescr?.[1];
  const build = str(s.build) ?? fromDescr?.[2];
  return {
    identity: {
      class: 'server',
      os: str(s.product) ?? 'VMware ESXi',
      version: version && build ? `${version} build ${build}` : version,
      profile: 'esxi',
    },
    points,
  };
}

export const esxiProfile: Profile = {
  id: 'esxi',
  vendor: 'VMware',
  class: 'server',
  match(sys: SysInfo): number {
    if (oidUnder(sys.sysObjectID, `${VMWARE}.4`)) return 100;
    return /^VMware ESXi?\b/i.test(sys.sysDescr) ? 50 : 0;
  },
  collect: collectEsxi,
};

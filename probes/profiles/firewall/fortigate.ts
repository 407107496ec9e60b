import type { Point } from '../../types.js';
import type { Profile, ProfileContext } from '../types.js';
import { num, oidUnder, pushAll, round, scalars, str, table } from '../util.js';
import { asString } from '../../snmp/varbind.js';
import { ENT, SCORE, bytes, firewallPoint, hottest, licenseNames, licensePoint, parseExpiry, sensorClassFromName, sensorPoint, systemPoint } from './common.js';

/**
 * FortiGate (FORTINET-FORTIGATE-MIB, enterprise 12356.101). Every FortiGate and FortiWiFi reports a
 * sysObjectID under fgModel (12356.101.1), which is certain; other Fortinet products live elsewhere under 12356.
 */

const FG = '1.3.6.1.4.1.12356.101';
const S = {
  version: `${FG}.4.1.1.0`, // fgSysVersion
  cpu: `${FG}.4.1.3.0`, // fgSysCpuUsage %
  mem: `${FG}.4.1.4.0`, // fgSysMemUsage %
  memKb: `${FG}.4.1.5.0`, // fgSysMemCapacity KB
  sessions: `${FG}.4.1.8.0`, // fgSysSesCount
  tunnelsUp: `${FG}.12.1.1.0`, // fgVpnTunnelUpCount (IPsec phase-1/2 up)
  haMode: `${FG}.13.1.1.0`, // fgHaSystemMode
  vdHaState: `${FG}.3.2.1.1.4.1`, // fgVdEntHaState of vdom 1 (root): this unit's role
  serial: '1.3.6.1.4.1.12356.100.1.1.1.0', // FORTINET-CORE-MIB fnSysSerial
  entModel: ENT.model1,
  entName: ENT.name1,
  entSerial: ENT.serial1,
} as const;

const HW_SENSOR_ENTRY = `${FG}.4.3.2.1`; // fgHwSensorEntry: 2 name, 3 value (text), 4 alarm (0 false, 1 true)
const HA_MASTER_SERIAL = `${FG}.13.2.1.1.16`; // fgHaStatsMasterSerial (renamed PrimarySerial in 7.x MIBs)
const LIC_CONTRACT_ENTRY = `${FG}.4.6.3.1.2.1`; // fgLicContractEntry: 1 description, 2 expiry

/** FgHaMode and FgHaState as the MIB defines them. */
const HA_MODE: Record<number, string> = { 1: 'standalone', 2: 'active-active', 3: 'active-passive' };
const HA_STATE: Record<number, string> = { 1: 'primary', 2: 'secondary', 3: 'standalone' };

/**
 * This unit's HA role. fgVdEntHaState says it directly; older FortiOS lacks it, and then the cluster's
 * primary serial (fgHaStatsMasterSerial) compared with our own serial answers the same question.
 */
export function fortiHaState(mode: number | undefined, vdState: number | undefined, localSerial?: string, primarySerial?: string): string | undefined {
  if (mode === 1) return 'standalone';
  if (vdState !== undefined && HA_STATE[vdState]) return HA_STATE[vdState];
  if (localSerial && primarySerial) return localSerial === primarySerial ? 'primary' : 'secondary';
  return mode !== undefined ? HA_MODE[mode] : undefined;
}

/** `FGT_60F` → `FortiGate 60F`, `FWF_61F` → `FortiWiFi 61F`, `FGVM64` → `FortiGate-VM64`. */
export function fortiModel(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const m = /^(FGT|FWF|FGR)[_-]?(.+)$/i.exec(raw);
  if (m) return `${{ FGT: 'FortiGate', FWF: 'FortiWiFi', FGR: 'FortiGateRugged' }[m[1]!.toUpperCase() as 'FGT' | 'FWF' | 'FGR']} ${m[2]!.replace(/_/g, '-')}`;
  if (/^FGVM/i.test(raw)) return `FortiGate-VM${raw.slice(4)}`;
  return raw;
}

async function licenses(ctx: ProfileContext): Promise<Point[]> {
  const rows = [...(await table(ctx, LIC_CONTRACT_ENTRY)).values()];
  const descs = rows.map((r) => str(r.get(1)) ?? '');
  const names = licenseNames(descs);
  const out: Point[] = [];
  rows.forEach((r, i) => {
    if (!descs[i]) return;
    pushAll(out, licensePoint(names[i]!, parseExpiry(bytes(r.get(2))), ctx.now, { description: descs[i] }));
  });
  return out;
}

export const fortigate: Profile = {
  id: 'fortigate',
  vendor: 'Fortinet',
  class: 'firewall',
  match: (sys) => (oidUnder(sys.sysObjectID, `${FG}.1`) ? SCORE.exact : 0),
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const localSerial = str(v.serial) ?? str(v.entSerial);
    const mode = num(v.haMode);
    let primarySerial: string | undefined;
    if (mode !== 1 && num(v.vdHaState) === undefined) {
      const walked = await ctx.snmp.walk(HA_MASTER_SERIAL);
      primarySerial = walked.map((vb) => asString(vb.value)?.trim()).find((s) => !!s);
    }

    const points: Point[] = [];
    const temps: number[] = [];
    for (const [index, row] of await table(ctx, HW_SENSOR_ENTRY)) {
      const name = str(row.get(2)) ?? `sensor ${index}`;
      const value = num(row.get(3));
      const alarm = num(row.get(4));
      const cls = sensorClassFromName(name);
      if (cls === 'temperature' && value !== undefined) temps.push(value);
      pushAll(points, sensorPoint(cls, name, { value: value === undefined ? undefined : round(value), ok: alarm === undefined ? undefined : alarm === 0 }));
    }

    const memKb = num(v.memKb);
    pushAll(
      points,
      systemPoint({ cpu_pct: num(v.cpu), mem_used_pct: num(v.mem), mem_total_bytes: memKb === undefined ? undefined : memKb * 1024, temp_c: hottest(temps) }),
      firewallPoint({ sessions: num(v.sessions), vpn_tunnels_up: num(v.tunnelsUp), ha_state: fortiHaState(mode, num(v.vdHaState), localSerial, primarySerial) }),
    );
    points.push(...(await licenses(ctx)));

    return {
      identity: {
        vendor: 'Fortinet',
        os: 'FortiOS',
        model: fortiModel(str(v.entModel) ?? str(v.entName)),
        version: str(v.version),
        serial: localSerial,
      },
      points,
    };
  },
};

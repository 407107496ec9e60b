import { Type, type TOptional } from '@sinclair/typebox';
import { SnmpDeviceConfig, collectSnmp } from './snmp/index.js';
import { PingDeviceConfig, pingHosts } from './ping/index.js';
import { smartProbe } from './smart/index.js';

/**
 * The one registry of probes (STYLE.md 1). Each probe contributes its per-device config key; the device
 * schema is derived from this object, so adding a probe here is the only list to touch.
 */
export const probes = {
  snmp: { name: 'snmp', deviceSchema: SnmpDeviceConfig, collect: collectSnmp },
  ping: { name: 'ping', deviceSchema: PingDeviceConfig, collect: pingHosts },
  smart: { name: 'smart', deviceSchema: smartProbe.deviceSchema, collect: smartProbe.collect },
} as const;

export type ProbeName = keyof typeof probes;

type DeviceKeys = { [K in ProbeName]: TOptional<(typeof probes)[K]['deviceSchema']> };

/** `{ snmp?: …, ping?: … }` for the device schema, typed per probe and derived from the registry above. */
export const probeDeviceKeys = Object.fromEntries(
  Object.values(probes).map((p) => [p.name, Type.Optional(p.deviceSchema)]),
) as unknown as DeviceKeys;

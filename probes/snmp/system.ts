import type { SnmpClient } from './varbind.js';
import { asNumber, asString } from './varbind.js';
import type { SysInfo } from '../profiles/types.js';

const SYS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
} as const;

/**
 * Read the system group: the first request of every poll, and the one that decides "the device answered".
 * Returns undefined when the agent answered but has neither sysDescr nor sysObjectID (nothing to identify).
 */
export async function readSystem(snmp: SnmpClient): Promise<SysInfo | undefined> {
  const got = await snmp.get(Object.values(SYS));
  const v = (k: keyof typeof SYS) => got.get(SYS[k])?.value;
  const sysObjectID = asString(v('sysObjectID'))?.replace(/^\./, '') ?? '';
  const sysDescr = asString(v('sysDescr')) ?? '';
  if (!sysObjectID && !sysDescr && got.size === 0) return undefined;
  return {
    sysDescr,
    sysObjectID,
    sysUpTime: asNumber(v('sysUpTime')),
    sysName: asString(v('sysName')),
    sysContact: asString(v('sysContact')),
    sysLocation: asString(v('sysLocation')),
  };
}

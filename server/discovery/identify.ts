import { NetSnmpClient, type SessionOptions } from '../../probes/snmp/session.js';
import { readSystem } from '../../probes/snmp/system.js';
import type { SnmpClient } from '../../probes/snmp/varbind.js';
import type { SnmpCredential } from '../../probes/snmp/credentials.js';
import { collectProfiles, selectProfile } from '../../probes/profiles/index.js';
import { vendorFromSysObjectID } from '../../probes/profiles/enterprises.js';
import type { DeviceClass, ProbeLogger } from '../../probes/types.js';

export type Connect = (opts: SessionOptions) => SnmpClient;

export interface Identified {
  address: string;
  /** Name of the credential that got an answer; absent for a host that only answers ping. */
  credential?: string;
  class: DeviceClass;
  vendor?: string;
  model?: string;
  version?: string;
  sysName?: string;
  sysDescr?: string;
  sysObjectID?: string;
}

export interface IdentifyOptions {
  port: number;
  timeoutMs: number;
  /** Overall budget for reading the profile once the agent answered (model and class need a few tables). */
  profileTimeoutMs?: number;
  connect?: Connect;
  log: ProbeLogger;
  now?: () => number;
}

/**
 * Try each credential on a host that answered ping: the first whose system-group GET is answered wins. Then
 * the vendor profiles name it. A host no credential opens is still a proposal (ping only, class unknown):
 * the printer or camera nobody knew about is exactly what discovery is for.
 */
export async function identifyHost(address: string, credentials: ReadonlyArray<readonly [string, SnmpCredential]>, opts: IdentifyOptions): Promise<Identified> {
  const connect = opts.connect ?? ((o: SessionOptions) => new NetSnmpClient(o));
  for (const [name, credential] of credentials) {
    const client = connect({ host: address, port: opts.port, credential, timeoutMs: opts.timeoutMs, retries: 0 });
    try {
      const sys = await readSystem(client).catch(() => undefined);
      if (!sys) continue;
      const base: Identified = {
        address,
        credential: name,
        class: selectProfile(sys)?.class ?? 'unknown',
        vendor: selectProfile(sys)?.vendor ?? vendorFromSysObjectID(sys.sysObjectID),
        sysName: sys.sysName,
        sysDescr: sys.sysDescr,
        sysObjectID: sys.sysObjectID,
      };
      // The profiles learn more than match() can (model, Synology behind a Linux OID, UPS-MIB hints), but a
      // slow agent must not hold the sweep: on timeout the system-group answer stands.
      const budget = AbortSignal.timeout(opts.profileTimeoutMs ?? 20_000);
      const deep = connect({ host: address, port: opts.port, credential, timeoutMs: Math.max(opts.timeoutMs, 2000), retries: 1, signal: budget });
      try {
        const got = await collectProfiles({ snmp: deep, sys, log: opts.log, now: opts.now?.() ?? Date.now() });
        return { ...base, class: got.identity.class, vendor: got.identity.vendor ?? base.vendor, model: got.identity.model, version: got.identity.version };
      } catch (err) {
        opts.log.warn({ address, err: (err as Error).message }, 'discovery: profile read cut short; keeping the system group identity');
        return base;
      } finally {
        deep.close();
      }
    } finally {
      client.close();
    }
  }
  return { address, class: 'unknown' };
}

import type { DeviceClass, Identity, Point, ProbeLogger } from '../types.js';
import type { SnmpClient } from '../snmp/varbind.js';

/** The system group, read once per poll before anything else; profiles are chosen from it. */
export interface SysInfo {
  sysDescr: string;
  /** Dotted, without a leading dot: `1.3.6.1.4.1.318.1.3.27`. */
  sysObjectID: string;
  sysName?: string;
  sysLocation?: string;
  sysContact?: string;
  /** Hundredths of a second since the agent restarted. */
  sysUpTime?: number;
}

export interface ProfileContext {
  snmp: SnmpClient;
  sys: SysInfo;
  log: ProbeLogger;
  /** Poll time, ms since the epoch (so date arithmetic such as licence days_left is testable). */
  now: number;
  /**
   * Last outputs of the inventory collectors (GenericCollector.inventory) of this device, and whether to reuse
   * them this poll. Absent (one-shot probes, discovery) = every collector runs.
   */
  inventory?: { reuse: boolean; outputs: Map<string, ProfileOutput> };
}

/**
 * What a profile or generic collector returns. Points carry only their measurement's own tags
 * (`name`, `disk`, `ifName`…): the caller adds `site` and `device`.
 */
export interface ProfileOutput {
  identity?: Partial<Identity>;
  points: Point[];
  /** Non-fatal problems (a table that did not answer). The poll still counts as a success. */
  errors?: string[];
  /** Set by a generic collector when the MIB it read reveals the device's class (UPS-MIB → ups). */
  classHint?: DeviceClass;
}

/**
 * A vendor family (STYLE.md 1): how it is recognised and what it reads. Registered in one place,
 * `probes/profiles/index.ts`, through its family's array.
 */
export interface Profile {
  /** Stable id, e.g. `apc`, `fortigate`: stored with the device so a tech can see which profile spoke. */
  id: string;
  vendor: string;
  class: DeviceClass;
  /**
   * How sure this profile is that the device is its own: 0 = not mine. Use 100 for an exact
   * sysObjectID enterprise/product match, 50 for a sysDescr pattern, so specific beats vague.
   */
  match(sys: SysInfo): number;
  collect(ctx: ProfileContext): Promise<ProfileOutput>;
  /**
   * Ids of generic collectors this profile already reads itself (e.g. `ups-mib` for Eaton, which merges UPS-MIB
   * with XUPS): they are skipped for its devices, so the agent is not walked twice.
   */
  covers?: readonly string[];
}

/**
 * Runs on every device whatever its profile (HOST-RESOURCES, ENTITY-MIB, RFC 1628 UPS-MIB…). The vendor
 * profile's values win over a generic collector's for the same measurement, tags and field.
 */
export interface GenericCollector {
  id: string;
  /**
   * Reads only slow-changing inventory (identity from ENTITY-MIB and the like, no points): the scheduler runs it
   * every few hours and after a restart, and reuses its last output in between.
   */
  inventory?: boolean;
  collect(ctx: ProfileContext): Promise<ProfileOutput>;
}

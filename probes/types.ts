/**
 * The probe contract (STYLE.md 1–3). Every probe returns data, never throws for a misbehaving device:
 * "device down" is a ProbeResult with ok=false and a reason. Exceptions are reserved for programmer and
 * config errors, so one broken target can never take the scheduler down with it.
 */

/** Device classes of DESIGN.md; `unknown` is a real answer (the device spoke, we could not place it). */
export const DEVICE_CLASSES = ['firewall', 'switch', 'ups', 'nas', 'server', 'wireless', 'printer', 'unknown'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** Field values: integers and floats are both `number`; the measurement schema decides how they are written. */
export type FieldValue = number | boolean | string;

/** One observation, shaped as InfluxDB wants it. `site` and `device` tags are added by the caller, not the probe. */
export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Milliseconds since the epoch; the caller stamps it when absent. */
  time?: number;
}

/** Why a target did not answer: short stable codes so alerts and dashboards can group them. */
export type ProbeErrorCode =
  | 'timeout'
  | 'unreachable'
  | 'auth'
  | 'refused'
  | 'no-such-host'
  | 'protocol'
  | 'not-found'
  | 'aborted'
  | 'internal';

/** What a device says about itself (DESIGN.md probe report). Every key optional: agents omit things. */
export interface Identity {
  class: DeviceClass;
  vendor?: string;
  model?: string;
  os?: string;
  version?: string;
  serial?: string;
  sysName?: string;
  sysDescr?: string;
  sysObjectID?: string;
  sysLocation?: string;
  sysContact?: string;
  /** Which profile identified the device (for "why did it say that?" debugging). */
  profile?: string;
}

export interface ProbeResult {
  ok: boolean;
  error?: ProbeErrorCode;
  /** Human reason, safe to show: never contains credentials. */
  message?: string;
  device?: Identity;
  points: Point[];
  /** Non-fatal problems: a table that timed out, a value that failed to parse. The device still answered. */
  errors: string[];
}

/** Minimal logger shape so probes do not depend on pino or Fastify. */
export interface ProbeLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export const silentLogger: ProbeLogger = { debug() {}, info() {}, warn() {}, error() {} };

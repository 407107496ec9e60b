import type { DeviceClass, FieldValue, Point } from '../../probes/types.js';
import type { Alert, AlertEvent } from './schema.js';

export type { Alert, AlertEvent, AlertEventType, EffectiveRule, Origin, Rule, RuleOverride, Severity } from './schema.js';

/**
 * What the scheduler feeds the engine: one probe run against one device. Points follow probes/measurements.ts.
 * `ok=false` is the probe saying "the device did not answer" (STYLE.md 3); its points, if any, are diagnostic.
 */
export type DeviceSample = {
  device: string;
  class: DeviceClass;
  parent?: string;
  /** 'snmp' | 'ping' | 'smart' | 'trap' */
  probe: string;
  ok: boolean;
  error?: string;
  points: Point[];
  /** ms */
  time: number;
};

/**
 * Everything that can happen to the engine. `tick` is time passing with no data: it is how `for` durations,
 * stale data, silence expiry, maintenance ends and flapping calm-downs are noticed without a clock inside.
 * A silence whose `until` is not in the future lifts the silence.
 */
export type EngineInput =
  | { kind: 'sample'; sample: DeviceSample }
  | { kind: 'tick' }
  | { kind: 'ack'; alertId: string; user: string; note: string }
  | { kind: 'silence'; alertId: string; until: number; user: string }
  /** Devices taken out of the config: their alerts resolve and their memory goes (no DeviceStale for a removal). */
  | { kind: 'forget'; devices: string[] };

export type LevelName = 'none' | 'warning' | 'critical';

/**
 * Memory for one (rule, device, instance). It exists while there is something to remember: a raised or
 * pending condition, an active alert, a counter's previous value, a port seen up, recent flapping.
 */
export interface InstanceState {
  /** Alert id, computed once when the instance is created. */
  id: string;
  rule: string;
  device: string;
  instance?: string;
  level: LevelName;
  /** When the current non-`none` level run began. */
  since?: number;
  /** Consecutive samples showing the condition. */
  count: number;
  /** Last time data for this instance was evaluated (ticks never update it). */
  lastSeen: number;
  value?: FieldValue;
  /** Tags and fields of the last point while raised, for the summary template. */
  vars?: Record<string, FieldValue>;
  /** delta rules: the previous raw value. */
  prev?: number;
  /** Times of fire/resolve transitions within the flapping window. */
  changes?: number[];
  /** Last time the raw condition changed (flapping ends after `stable` without a change). */
  lastChange?: number;
  alert?: Alert;
}

/** Latest result of one probe against a device. */
export interface ProbeState {
  ok: boolean;
  at: number;
  /** Observed time between this probe's runs: the device's cadence when the config does not say. */
  gap?: number;
  error?: string;
}

/** What the engine knows about a device between samples. */
export interface DeviceState {
  class: DeviceClass;
  parent?: string;
  /** Last sample from any probe but traps (a trap does not prove the poller is alive). */
  lastSample?: number;
  probes: Record<string, ProbeState>;
  /** Any polling probe (not trap, not smart) answered at its latest run; undefined until one has run. */
  reachable?: boolean;
  /** Per measurement: last seen and the observed gap between sightings (slow tables get slower staleness). */
  seen: Record<string, { at: number; gap?: number }>;
  /**
   * requireOkFirst rules: rule → instances seen healthy once. Kept here, compactly, rather than as one
   * instance per healthy port: a site with 24 000 switch ports must not persist 24 000 instance records.
   */
  armed?: Record<string, Record<string, 1>>;
}

/**
 * The engine's whole memory. Plain JSON so AlertHistory can persist it and restore it after a restart.
 * Side indexes exist so that a sample never scans every instance; a tick walks devices, active alerts
 * and pending instances, never the healthy remainder.
 */
export interface EngineState {
  version: 1;
  devices: Record<string, DeviceState>;
  /** Keyed by instanceKey(rule, device, instance). */
  instances: Record<string, InstanceState>;
  /** Active alert id → instance key. */
  byId: Record<string, string>;
  /** parent → children, from sample.parent. */
  children: Record<string, string[]>;
  /** Instances raised but waiting for their `for` to elapse (a tick may fire them). */
  pending: Record<string, true>;
}

export interface StepResult {
  state: EngineState;
  events: AlertEvent[];
}

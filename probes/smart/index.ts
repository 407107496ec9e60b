/**
 * The SMART probe (STYLE.md 1): local disks through smartctl, read hourly by default and once at start. Pushed
 * smartctl JSON (POST /api/smart) goes through `reportFromJson`, the same rules without running anything.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ProbeLogger, ProbeResult } from '../types.js';
import { runSmart, type ScanDevice, type SmartExec } from './runner.js';
import type { SmartDisk, SmartReport } from './types.js';

export { reportFromJson, unreadableReport } from './report.js';
export { readSmart, runSmart, defaultExec, parseScan, type ReadSmartOptions, type ScanDevice, type SmartExec, type SmartRun } from './runner.js';
export { decodeExitStatus } from './exit-status.js';
export { parseSmartctl } from './parse.js';
export { judge, trend } from './verdict.js';
export type { SmartDisk, SmartReport, Verdict, Reason } from './types.js';

/** `smart:` config block. Disks are found by `--scan-open`; list them only to add what the scan misses. */
export const SmartConfig = Type.Object(
  {
    smartctl: Type.Optional(Type.String({ minLength: 1, description: 'Path to smartctl (default: `smartctl` on PATH). smartmontools 7.0+ is needed for --json.' })),
    timeout_s: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 600, description: 'Per smartctl call. A sleeping disk behind a USB bridge can take 20 s to spin up; default 60.' }),
    ),
    devices: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, description: 'Device path, e.g. /dev/sda or /dev/bus/0.' }),
            type: Type.Optional(Type.String({ minLength: 1, description: 'smartctl -d type, e.g. sat, nvme, megaraid,3.' })),
          },
          { additionalProperties: false },
        ),
        { description: 'Read exactly these devices instead of scanning.' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SmartConfig = Static<typeof SmartConfig>;

/** Per-device key for the registry (probes/index.ts): `smart: true` reads the box's own disks with defaults. */
export const SmartDeviceConfig = Type.Union([Type.Literal(true), SmartConfig], {
  description: 'Read this box\'s own disks with smartctl (hourly and at start): true, or { smartctl, timeout_s, devices }. Put it on the device that is the Outpost box.',
});
export type SmartDeviceConfig = Static<typeof SmartDeviceConfig>;

export interface SmartTarget {
  smartctl?: string;
  timeoutMs?: number;
  devices?: ScanDevice[];
}

export interface SmartProbeContext {
  signal?: AbortSignal;
  log?: ProbeLogger;
  /** Transport override for tests (STYLE.md 4); the probe's own default runs the real smartctl. */
  exec?: SmartExec;
}

/** A ProbeResult plus the full reports, so the server can show reasons and not only the `disk` points. */
export interface SmartProbeResult extends ProbeResult {
  reports: SmartReport[];
}

export function targetFromConfig(cfg: SmartDeviceConfig = true): SmartTarget {
  if (cfg === true) return {};
  return { smartctl: cfg.smartctl, timeoutMs: cfg.timeout_s !== undefined ? cfg.timeout_s * 1000 : undefined, devices: cfg.devices };
}

/**
 * A probe instance remembers the last readable reading of each disk so a counter that rises between hourly reads
 * escalates. An unreadable reading never replaces it: one failed read does not reset the trend.
 */
export function createSmartProbe(deps: { exec?: SmartExec } = {}) {
  const previous = new Map<string, SmartDisk>();
  return {
    name: 'smart' as const,
    configSchema: SmartConfig,
    deviceSchema: SmartDeviceConfig,
    /** SMART counters move slowly and `-x` wakes sleeping disks: hourly, plus once at start (issue 4). */
    defaultIntervalMs: 3_600_000,
    runAtStart: true,
    async collect(target: SmartTarget = {}, ctx: SmartProbeContext = {}): Promise<SmartProbeResult> {
      const run = await runSmart({
        smartctlPath: target.smartctl,
        timeoutMs: target.timeoutMs,
        devices: target.devices,
        exec: ctx.exec ?? deps.exec,
        signal: ctx.signal,
        previous,
        source: 'smartctl',
      });
      for (const r of run.reports) if (r.reading) previous.set(r.device.key, r.reading);
      const errors = run.reports
        .filter((r) => r.verdict === 'unknown')
        .map((r) => `${r.device.path ?? r.device.key}: ${r.reasons[0]?.text ?? 'unreadable'}`);
      const points = run.reports.flatMap((r) => r.points);
      if (run.error) {
        ctx.log?.warn({ error: run.error }, run.message ?? 'smartctl failed');
        return { ok: false, error: run.error, message: run.message, points, errors, reports: run.reports };
      }
      return { ok: true, points, errors, reports: run.reports };
    },
  };
}

export const smartProbe = createSmartProbe();

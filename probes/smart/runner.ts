/**
 * Runs smartctl: `--scan-open -j` to find local disks (with the `-d` type each needs: sat, nvme, megaraid,N…),
 * then `-j -x` per disk. Never throws for a bad disk: a timeout, an open failure or garbage output becomes that
 * disk's `unknown` report with the reason, and the other disks are still read.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import type { ProbeErrorCode } from '../types.js';
import { reportFromJson, unreadableReport } from './report.js';
import type { Protocol, SmartDisk, SmartReport } from './types.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** null when the process did not exit normally (killed, never started). */
  exitCode: number | null;
  timedOut: boolean;
  aborted?: boolean;
  /** Could not start at all (ENOENT, EACCES): a config problem, not a disk problem. */
  spawnError?: string;
}

/** The one side effect of this probe (STYLE.md 4): tests point it at a replay script or pass a fake. */
export type SmartExec = (file: string, args: readonly string[], opts: { timeoutMs: number; signal?: AbortSignal }) => Promise<ExecResult>;

/** `smartctl -x` on a disk with long logs is a few hundred KB; Node's 1 MB default is too close. */
const MAX_BUFFER = 32 * 1024 * 1024;
/** How long past the timeout to wait for the killed process to close its pipes before giving up on it. */
const KILL_GRACE_MS = 2000;

export const defaultExec: SmartExec = (file, args, { timeoutMs, signal }) =>
  new Promise((resolve) => {
    let settled = false;
    const started = Date.now();
    const done = (r: ExecResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(r);
    };
    // smartctl stuck in uninterruptible disk I/O (a hung USB bridge) outlives SIGTERM/SIGKILL until the kernel lets
    // go, and execFile's callback waits for it; this guard answers "timed out" without waiting.
    const guard = setTimeout(() => done({ stdout: '', stderr: '', exitCode: null, timedOut: true }), timeoutMs + KILL_GRACE_MS);
    guard.unref?.();
    try {
      execFile(file, [...args], { timeout: timeoutMs, maxBuffer: MAX_BUFFER, signal, windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return done({ stdout, stderr, exitCode: 0, timedOut: false });
        const e = err as ExecFileException & { code?: number | string };
        if (typeof e.code === 'number') return done({ stdout, stderr, exitCode: e.code, timedOut: false });
        if (signal?.aborted || e.name === 'AbortError') return done({ stdout, stderr, exitCode: null, timedOut: false, aborted: true });
        if (e.killed || Date.now() - started >= timeoutMs) return done({ stdout, stderr, exitCode: null, timedOut: true });
        done({ stdout, stderr, exitCode: null, timedOut: false, spawnError: `${e.code ?? ''} ${e.message}`.trim() });
      });
    } catch (err) {
      done({ stdout: '', stderr: '', exitCode: null, timedOut: false, spawnError: (err as Error).message });
    }
  });

export interface ScanDevice {
  name: string;
  /** The `-d` type smartctl chose; must be passed back, or a MegaRAID member is read as the controller. */
  type?: string;
  protocol?: string;
  infoName?: string;
  openError?: string;
}

/** `smartctl --scan-open -j` → devices (smartctl.cpp `scan_devices`: name, info_name, type, protocol, open_error). */
export function parseScan(json: unknown): ScanDevice[] | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const devices = (json as { devices?: unknown }).devices;
  if (devices === undefined) return [];
  if (!Array.isArray(devices)) return undefined;
  const out: ScanDevice[] = [];
  for (const d of devices) {
    if (typeof d !== 'object' || d === null) continue;
    const r = d as Record<string, unknown>;
    if (typeof r.name !== 'string' || !r.name) continue;
    out.push({
      name: r.name,
      type: typeof r.type === 'string' ? r.type : undefined,
      protocol: typeof r.protocol === 'string' ? r.protocol : undefined,
      infoName: typeof r.info_name === 'string' ? r.info_name : undefined,
      openError: typeof r.open_error === 'string' ? r.open_error : undefined,
    });
  }
  return out;
}

export function deviceArgs(dev: ScanDevice): string[] {
  return ['-j', '-x', ...(dev.type ? ['-d', dev.type] : []), dev.name];
}

export interface ReadSmartOptions {
  smartctlPath?: string;
  exec?: SmartExec;
  /** Per smartctl call. A sleeping HDD behind a USB bridge can take 10–20 s to spin up and answer. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Read exactly these devices instead of scanning (a configured list, or `outpost smart DEVICE`). */
  devices?: ScanDevice[];
  /** Last readable reading per disk key, for trend escalation. */
  previous?: ReadonlyMap<string, SmartDisk>;
  /** `disk.source` field. */
  source?: string;
}

export interface SmartRun {
  reports: SmartReport[];
  /** Set when smartctl itself could not be run or scanned: no disk could be judged. */
  error?: ProbeErrorCode;
  message?: string;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

const protocolOf = (p: string | undefined): Protocol | undefined => (p === 'ATA' || p === 'NVMe' || p === 'SCSI' ? p : undefined);

/** Hints for the failures a tech can fix. */
function openHint(msg: string): string {
  if (/permission denied|operation not permitted/i.test(msg)) return `${msg} (smartctl needs root or CAP_SYS_RAWIO + CAP_SYS_ADMIN)`;
  return msg;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readDevice(dev: ScanDevice, o: Required<Pick<ReadSmartOptions, 'smartctlPath' | 'exec' | 'timeoutMs' | 'source'>> & ReadSmartOptions): Promise<SmartReport> {
  const where = { path: dev.name, type: dev.type, protocol: protocolOf(dev.protocol) };
  if (dev.openError) return unreadableReport(where, `device open failed during scan: ${openHint(dev.openError)}`, o.source);
  const r = await o.exec(o.smartctlPath, deviceArgs(dev), { timeoutMs: o.timeoutMs, signal: o.signal });
  if (r.timedOut) return unreadableReport(where, `smartctl timed out after ${Math.round(o.timeoutMs / 1000)} s reading ${dev.name}`, o.source);
  if (r.aborted) return unreadableReport(where, `reading ${dev.name} was cancelled`, o.source);
  if (r.spawnError) return unreadableReport(where, `smartctl could not be started: ${r.spawnError}`, o.source);
  const json = parseJson(r.stdout);
  if (json === undefined) {
    const detail = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
    return unreadableReport(where, `smartctl printed no JSON for ${dev.name} (exit ${r.exitCode ?? '?'})${detail ? `: ${detail}` : ''}`, o.source, r.exitCode ?? undefined);
  }
  return reportFromJson(json, (key) => o.previous?.get(key), {
    source: o.source,
    exitCode: r.exitCode ?? undefined,
    where: { path: dev.name, type: dev.type },
  });
}

/** Scan (unless devices are given) and read every disk, one at a time: gentle on a Pi and on a shared HBA. */
export async function runSmart(opts: ReadSmartOptions = {}): Promise<SmartRun> {
  const o = {
    ...opts,
    smartctlPath: opts.smartctlPath ?? 'smartctl',
    exec: opts.exec ?? defaultExec,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    source: opts.source ?? 'smartctl',
  };
  let devices = opts.devices;
  if (!devices) {
    const r = await o.exec(o.smartctlPath, ['--scan-open', '-j'], { timeoutMs: o.timeoutMs, signal: o.signal });
    if (r.spawnError) {
      return { reports: [], error: 'not-found', message: `cannot run ${o.smartctlPath}: ${r.spawnError} (install smartmontools 7 or later)` };
    }
    if (r.timedOut) return { reports: [], error: 'timeout', message: `smartctl --scan-open timed out after ${Math.round(o.timeoutMs / 1000)} s` };
    if (r.aborted) return { reports: [], error: 'aborted', message: 'scan cancelled' };
    devices = parseScan(parseJson(r.stdout));
    if (!devices) {
      return { reports: [], error: 'protocol', message: `smartctl --scan-open -j printed no JSON device list (exit ${r.exitCode ?? '?'}); smartctl 7.0+ is needed for --json` };
    }
  }
  const reports: SmartReport[] = [];
  for (const dev of devices) {
    if (o.signal?.aborted) return { reports, error: 'aborted', message: 'cancelled before every disk was read' };
    reports.push(await readDevice(dev, o));
  }
  return { reports };
}

/** Reports for all local disks (or the given devices). Never throws; a scan failure gives an empty list. */
export async function readSmart(opts: ReadSmartOptions = {}): Promise<SmartReport[]> {
  return (await runSmart(opts)).reports;
}

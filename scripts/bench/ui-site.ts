import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';
import { sleep } from './common.js';

/** A real `outpost serve` in its own process (its CPU is read from /proc/PID) watching a big simulated site. */
export interface BenchSite {
  base: string;
  pid: number;
  /** Viewer API token (Authorization: Bearer) for wrk. */
  token: string;
  username: string;
  password: string;
  devices: number;
  /** Seconds from start until every device had its first poll and was up. */
  settledS: number;
  log(): string;
  stop(): Promise<void>;
}

/**
 * How a big MSP site is made of: mostly end devices and access points, a few switches, UPSs and servers, one
 * firewall. Ping-only devices have no SNMP to detect a class from, so it is given in the config.
 */
const MIX: Array<[class_: string, prefix: string, share: number]> = [
  ['firewall', 'fw', 0.003],
  ['switch', 'sw', 0.06],
  ['wireless', 'ap', 0.15],
  ['ups', 'ups', 0.01],
  ['nas', 'nas', 0.01],
  ['server', 'srv', 0.08],
  ['printer', 'prn', 0.05],
];

/** Loopback only: 127.0.X.Y with X ≥ 1 (never 127.0.0.0/24 host 0 or a broadcast-looking .255). */
export function loopbackHost(i: number): string {
  return `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

/** `n` ping-only devices spread over the classes of MIX (the rest `unknown`), named by class. */
export function siteDevices(n: number): Array<{ name: string; host: string; class: string }> {
  const out: Array<{ name: string; host: string; class: string }> = [];
  let i = 0;
  for (const [cls, prefix, share] of MIX) {
    const k = Math.max(1, Math.round(n * share));
    for (let j = 1; j <= k && i < n; j++, i++) out.push({ name: `${prefix}-${String(j).padStart(3, '0')}`, host: loopbackHost(i), class: cls });
  }
  for (let j = 1; i < n; j++, i++) out.push({ name: `dev-${String(j).padStart(4, '0')}`, host: loopbackHost(i), class: 'unknown' });
  return out;
}

const CLI = join(PACKAGE_ROOT, 'dist', 'server', 'cli.js');

/**
 * Start `outpost serve` on 127.0.0.1:`port` with `devices` ping-only loopback devices polled every 60 s (plus,
 * with `snmpPort`, four SNMP devices on the shared snmpsim recordings), create a viewer user and an API token,
 * and wait until every device is up.
 */
export async function startBenchSite(opts: { devices: number; port: number; snmpPort?: number; settleTimeoutS?: number; nodeArgs?: string[] }): Promise<BenchSite> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-ui-'));
  const cfgPath = join(dir, 'outpost.yaml');
  const snmp = (community: string) => ({ version: '2c', community });
  const snmpDevices =
    opts.snmpPort === undefined
      ? []
      : [
          { name: 'snmp-fw1', host: '127.0.0.1', port: opts.snmpPort, snmp: 'fw' },
          { name: 'snmp-sw1', host: '127.0.0.1', port: opts.snmpPort, snmp: 'sw' },
          { name: 'snmp-ups1', host: '127.0.0.1', port: opts.snmpPort, snmp: 'ups' },
          { name: 'snmp-nas1', host: '127.0.0.1', port: opts.snmpPort, snmp: 'nas' },
        ];
  const devices = [...siteDevices(opts.devices - snmpDevices.length), ...snmpDevices];
  // JSON is YAML. One echo per cycle: the bench measures the API and the dashboard, not fping.
  writeFileSync(
    cfgPath,
    JSON.stringify({
      site: { id: 'bench-ui', name: 'Bench site' },
      server: { port: opts.port, host: '127.0.0.1' },
      credentials: { ups: snmp('apc_smx750i'), fw: snmp('fortigate_60f'), sw: snmp('ciscosb_c1200'), nas: snmp('dsm_ds214se-dsm7') },
      defaults: { interval: '60s', timeout: '5s', retries: 1, ping: { count: 1, interval: '60s' } },
      devices,
    }),
  );
  const env = { ...process.env, OUTPOST_DATA_DIR: join(dir, 'data') };
  const username = 'bench';
  const password = 'bench ui password 1234';
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let token: string;
  try {
    execFileSync(process.execPath, [CLI, 'user', 'add', username, '--role', 'viewer', '--password-stdin', '--config', cfgPath], { env, input: `${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
    token = execFileSync(process.execPath, [CLI, 'token', 'create', 'bench-wrk', '--role', 'viewer', '--config', cfgPath], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  } catch (e) {
    cleanup();
    throw new Error(`creating the bench user/token failed: ${(e as Error).message}`);
  }
  let log = '';
  const child = spawn(process.execPath, ['--openssl-legacy-provider', ...(opts.nodeArgs ?? []), CLI, 'serve', '--config', cfgPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
  child.stderr.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    cleanup();
  };
  const base = `http://127.0.0.1:${opts.port}`;
  const t0 = performance.now();
  try {
    const deadline = t0 + (opts.settleTimeoutS ?? 180) * 1000;
    let last = '';
    for (;;) {
      if (child.exitCode !== null) throw new Error(`outpost serve exited ${child.exitCode}`);
      if (performance.now() > deadline) throw new Error(`site not settled after ${opts.settleTimeoutS ?? 180} s (${last})`);
      const h = await fetch(`${base}/api/health`).then(
        (r) => (r.ok ? (r.json() as Promise<{ devices: { total: number; up: number } }>) : undefined),
        () => undefined,
      );
      if (h) {
        last = `${h.devices.up}/${h.devices.total} up`;
        if (h.devices.total === devices.length && h.devices.up === devices.length) break;
      }
      await sleep(500);
    }
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${log.slice(-2000)}`);
  }
  return { base, pid: child.pid!, token, username, password, devices: devices.length, settledS: (performance.now() - t0) / 1000, log: () => log, stop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { sleep } from './common.js';

/** The subtrees every side walks: system, ifTable rows, ifXTable rows. */
export const WALK = ['1.3.6.1.2.1.1', '1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.31.1.1.1'];

type Col = [name: string, oid: string, type: string];
const IF = '1.3.6.1.2.1.2.2.1.';
const IFX = '1.3.6.1.2.1.31.1.1.1.';
const counter = (names: string[], base: string, first: number): Col[] => names.map((n, i) => [n, base + (first + i), 'counter']);

/** IF-MIB columns as prometheus-snmp-exporter's generator would emit them (written by hand: no MIBs shipped). */
const IF_COLUMNS: Col[] = [
  ['ifIndex', IF + 1, 'gauge'],
  ['ifDescr', IF + 2, 'DisplayString'],
  ['ifType', IF + 3, 'gauge'],
  ['ifMtu', IF + 4, 'gauge'],
  ['ifSpeed', IF + 5, 'gauge'],
  ['ifPhysAddress', IF + 6, 'PhysAddress48'],
  ['ifAdminStatus', IF + 7, 'gauge'],
  ['ifOperStatus', IF + 8, 'gauge'],
  ['ifLastChange', IF + 9, 'gauge'],
  ...counter(['ifInOctets', 'ifInUcastPkts', 'ifInNUcastPkts', 'ifInDiscards', 'ifInErrors', 'ifInUnknownProtos'], IF, 10),
  ...counter(['ifOutOctets', 'ifOutUcastPkts', 'ifOutNUcastPkts', 'ifOutDiscards', 'ifOutErrors'], IF, 16),
  ['ifOutQLen', IF + 21, 'gauge'],
  ['ifName', IFX + 1, 'DisplayString'],
  ...counter(
    ['ifInMulticastPkts', 'ifInBroadcastPkts', 'ifOutMulticastPkts', 'ifOutBroadcastPkts', 'ifHCInOctets', 'ifHCInUcastPkts', 'ifHCInMulticastPkts',
      'ifHCInBroadcastPkts', 'ifHCOutOctets', 'ifHCOutUcastPkts', 'ifHCOutMulticastPkts', 'ifHCOutBroadcastPkts'],
    IFX,
    2,
  ),
  ['ifLinkUpDownTrapEnable', IFX + 14, 'gauge'],
  ['ifHighSpeed', IFX + 15, 'gauge'],
  ['ifPromiscuousMode', IFX + 16, 'gauge'],
  ['ifConnectorPresent', IFX + 17, 'gauge'],
  ['ifAlias', IFX + 18, 'DisplayString'],
  ['ifCounterDiscontinuityTime', IFX + 19, 'gauge'],
];

const SYSTEM_SCALARS: Col[] = [
  ['sysDescr', '1.3.6.1.2.1.1.1', 'DisplayString'],
  ['sysUpTime', '1.3.6.1.2.1.1.3', 'gauge'],
  ['sysContact', '1.3.6.1.2.1.1.4', 'DisplayString'],
  ['sysName', '1.3.6.1.2.1.1.5', 'DisplayString'],
  ['sysLocation', '1.3.6.1.2.1.1.6', 'DisplayString'],
  ['sysServices', '1.3.6.1.2.1.1.7', 'gauge'],
];

/** snmp.yml for 0.21 (auth inside each module, one module per community = recording). */
export function exporterConfig(communities: string[], maxRepetitions = 25): string {
  const metrics = [
    ...SYSTEM_SCALARS.map(([name, oid, type]) => ({ name, oid, type, help: name })),
    ...IF_COLUMNS.map(([name, oid, type]) => ({ name, oid, type, help: name, indexes: [{ labelname: 'ifIndex', type: 'gauge' }] })),
  ];
  const modules = Object.fromEntries(
    communities.map((c) => [c, { walk: WALK, version: 2, max_repetitions: maxRepetitions, retries: 1, timeout: '10s', auth: { community: c }, metrics }]),
  );
  // 0.21's snmp.yml has the modules at the top level (the `modules:`/`auths:` split came in 0.23).
  return stringify(modules, { aliasDuplicateObjects: false });
}

export interface Exporter {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

export async function startExporter(configPath: string, communities: string[], port: number): Promise<Exporter> {
  writeFileSync(configPath, exporterConfig(communities));
  const child = spawn('prometheus-snmp-exporter', [`--config.file=${configPath}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(url)).ok) return { child, url, stop };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`prometheus-snmp-exporter did not start: ${stderr.slice(-1000)}`);
}

/** One scrape; returns the samples of walked OIDs (the exporter's own snmp_scrape_* lines excluded). */
export async function scrape(url: string, target: string, module: string): Promise<number> {
  const r = await fetch(`${url}/snmp?target=${encodeURIComponent(target)}&module=${encodeURIComponent(module)}`);
  const body = await r.text();
  if (!r.ok) throw new Error(`snmp_exporter scrape ${module} answered ${r.status}: ${body.slice(0, 300)}`);
  let n = 0;
  for (const line of body.split('\n')) if (line && line[0] !== '#' && !line.startsWith('snmp_scrape_')) n++;
  return n;
}

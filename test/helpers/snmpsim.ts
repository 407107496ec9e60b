import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../../server/version.js';
import { FIXTURES } from './fixtures.js';

export const SNMPSIM_PORT = Number(process.env.OUTPOST_SNMPSIM_PORT ?? 11161);

/**
 * Make sure snmpsim serves the recordings on loopback (idempotent: CI starts it once before the tests; a
 * developer running one test file gets it started here).
 */
export function ensureSnmpsim(port = SNMPSIM_PORT): number {
  execFileSync(join(PACKAGE_ROOT, 'scripts', 'start-snmpsim.sh'), [String(port)], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
  return port;
}

/** The class Outpost must give each recording, from MANIFEST.tsv's category column. */
export function expectedClasses(): Map<string, string> {
  const rows = readFileSync(join(FIXTURES, 'snmp', 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  const map: Record<string, string> = { ups: 'ups', firewall: 'firewall', switch: 'switch', nas: 'nas', host: 'server' };
  return new Map(rows.map((r) => r.split('\t')).map(([name, cat]) => [name!, map[cat!] ?? cat!]));
}

export const CLI = join(PACKAGE_ROOT, 'dist', 'server', 'cli.js');

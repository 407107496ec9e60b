import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';

/** The shared simulator of the tests (idempotent: left alone when already answering). */
export function ensureBenchSnmpsim(port: number): void {
  execFileSync(join(PACKAGE_ROOT, 'scripts', 'start-snmpsim.sh'), [String(port)], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
}

/**
 * `outpost smart (DEVICE | --from-json FILE) [--json] [--smartctl PATH] [-d TYPE]`
 * Exit 0 for ok/info, 1 for warn/fail/unknown (a script can page on it), 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { formatReport } from './format.js';
import { reportFromJson } from './report.js';
import { runSmart, type SmartExec } from './runner.js';
import type { SmartReport, Verdict } from './types.js';

const USAGE = `usage: outpost smart (DEVICE | --from-json FILE) [--json] [--smartctl PATH] [-d TYPE]
  DEVICE            e.g. /dev/sda, /dev/nvme0, /dev/bus/0 with -d megaraid,3
  --from-json FILE  judge saved 'smartctl -j -x' output (FILE may hold one document or an array; - for stdin)
  --json            print the SMART report as JSON
  --smartctl PATH   smartctl binary (default: smartctl on PATH)
  -d, --type TYPE   smartctl device type (sat, nvme, scsi, megaraid,N, usbjmicron…)
exit status: 0 ok/info, 1 warn/fail/unknown, 2 usage error
`;

interface Args {
  device?: string;
  fromJson?: string;
  json: boolean;
  smartctl?: string;
  type?: string;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || (v.startsWith('-') && v !== '-')) throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === '--json') a.json = true;
      else if (arg === '--from-json') a.fromJson = value();
      else if (arg === '--smartctl') a.smartctl = value();
      else if (arg === '-d' || arg === '--type') a.type = value();
      else if (arg === '-h' || arg === '--help') return 'help';
      else if (arg.startsWith('-')) return `unknown option ${arg}`;
      else if (a.device) return `only one DEVICE, got ${a.device} and ${arg}`;
      else a.device = arg;
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (!a.device && !a.fromJson) return 'give a DEVICE or --from-json FILE';
  if (a.device && a.fromJson) return 'give either a DEVICE or --from-json FILE, not both';
  return a;
}

const exitFor = (v: Verdict) => (v === 'ok' || v === 'info' ? 0 : 1);

export interface SmartCommandDeps {
  exec?: SmartExec;
  readFile?: (path: string) => string;
}

export async function smartCommand(argv: string[], out: NodeJS.WritableStream, deps: SmartCommandDeps = {}): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    out.write(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    out.write(`outpost smart: ${args}\n${USAGE}`);
    return 2;
  }
  let reports: SmartReport[];
  if (args.fromJson) {
    const read = deps.readFile ?? ((p: string) => readFileSync(p === '-' ? 0 : p, 'utf8'));
    let doc: unknown;
    try {
      doc = JSON.parse(read(args.fromJson));
    } catch (err) {
      out.write(`outpost smart: cannot read ${args.fromJson}: ${(err as Error).message}\n`);
      return 2;
    }
    const docs = Array.isArray(doc) ? doc : [doc];
    reports = docs.map((d) => reportFromJson(d, undefined, { source: 'file' }));
  } else {
    const run = await runSmart({ smartctlPath: args.smartctl, exec: deps.exec, devices: [{ name: args.device!, type: args.type }], source: 'cli' });
    if (run.error) {
      out.write(`outpost smart: ${run.message}\n`);
      return 1;
    }
    reports = run.reports;
  }
  if (args.json) out.write(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n');
  else out.write(reports.map(formatReport).join('\n'));
  return reports.reduce((code, r) => Math.max(code, exitFor(r.verdict)), 0);
}

import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { loadConfigFile, formatIssues } from '../config/load.js';
import { dataDir, retention } from '../config/resolve.js';
import { EmbeddedStore } from '../store/embedded.js';
import { PACKAGE_ROOT } from '../version.js';
import type { OutpostConfig } from '../config/schema.js';
import type { ProbeLogger } from '../../probes/types.js';
import { firmware, inventory, slaReport } from '../reports/reader.js';
import { slaHtml } from '../reports/sla-html.js';
import { slaCsv } from '../reports/sla-csv.js';
import { firmwareCsv, inventoryCsv } from '../reports/inventory-csv.js';
import { formatPct } from '../reports/format.js';
import { formatDuration } from '../reports/time.js';
import { DiscoveryService } from '../discovery/service.js';

type Out = { write(s: string): unknown };

const USAGE = `outpost report sla --month YYYY-MM [--format html|csv|json] [--out FILE] [--config FILE]
outpost report inventory [--format json|csv] [--out FILE] [--config FILE]
outpost report firmware [--format json|csv] [--out FILE] [--config FILE]
outpost discover [--config FILE] [--json]`;

const errLog: ProbeLogger = {
  debug() {},
  info() {},
  warn: (o, m) => process.stderr.write(`warn: ${typeof o === 'string' ? o : (m ?? JSON.stringify(o))}\n`),
  error: (o, m) => process.stderr.write(`error: ${typeof o === 'string' ? o : (m ?? JSON.stringify(o))}\n`),
};

function fail(msg: string, code = 2): number {
  process.stderr.write(`${msg}\n\n${USAGE}\n`);
  return code;
}

function load(path: string | undefined): OutpostConfig | string {
  const p = path ?? process.env.OUTPOST_CONFIG ?? join(PACKAGE_ROOT, 'config', 'default.yaml');
  if (!existsSync(p)) return `config file not found: ${p}`;
  const res = loadConfigFile(p);
  return res.ok ? res.config : formatIssues(p, res.issues);
}

function openStore(cfg: OutpostConfig): EmbeddedStore {
  return new EmbeddedStore(dataDir(cfg), retention(cfg));
}

function emit(out: Out, body: string, file: string | undefined): void {
  if (file) {
    writeFileSync(file, body);
    process.stderr.write(`wrote ${file}\n`);
  } else out.write(body);
}

/** `outpost report sla|inventory|firmware …`: reads the embedded store the running service writes. Exit 0, 1 (config), 2 (usage). */
export async function reportCommand(argv: string[], out: Out): Promise<number> {
  const [kind, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { month: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } },
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (kind !== 'sla' && kind !== 'inventory' && kind !== 'firmware') return fail(`report what? sla, inventory or firmware (got ${kind ?? 'nothing'})`);
  const formats = kind === 'sla' ? ['html', 'csv', 'json'] : ['json', 'csv'];
  const format = values.format ?? (kind === 'sla' ? 'html' : 'json');
  if (!formats.includes(format)) return fail(`--format must be one of ${formats.join(', ')}`);
  if (kind === 'sla' && !values.month) return fail('report sla needs --month YYYY-MM');
  const cfg = load(values.config);
  if (typeof cfg === 'string') {
    process.stderr.write(`${cfg}\n`);
    return 1;
  }
  const store = openStore(cfg);
  try {
    const ctx = { store, config: cfg };
    if (kind === 'sla') {
      let r;
      try {
        r = slaReport(ctx, values.month!);
      } catch (err) {
        return fail((err as Error).message);
      }
      emit(out, format === 'html' ? slaHtml(r) : format === 'csv' ? slaCsv(r) : `${JSON.stringify(r, null, 2)}\n`, values.out);
      if (values.out) process.stderr.write(`${r.site.name} ${r.month}: site uptime ${formatPct(r.sla.site.uptimePct)}, ${r.sla.devices.length} devices, downtime ${formatDuration(r.sla.site.downMs)}\n`);
    } else if (kind === 'inventory') {
      const r = inventory(ctx);
      emit(out, format === 'csv' ? inventoryCsv(r) : `${JSON.stringify(r, null, 2)}\n`, values.out);
    } else {
      const r = firmware(ctx);
      emit(out, format === 'csv' ? firmwareCsv(r) : `${JSON.stringify(r, null, 2)}\n`, values.out);
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `outpost discover`: one sweep now, proposals stored and printed. Exit 0, 1 (config or sweep failure), 2 (usage). */
export async function discoverCommand(argv: string[], out: Out): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, json: { type: 'boolean', default: false } } }));
  } catch (err) {
    return fail((err as Error).message);
  }
  const cfg = load(values.config);
  if (typeof cfg === 'string') {
    process.stderr.write(`${cfg}\n`);
    return 1;
  }
  const store = openStore(cfg);
  try {
    const service = new DiscoveryService({ db: store.db, config: () => cfg, log: errLog });
    let res;
    try {
      res = await service.scan();
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
    if (values.json) out.write(`${JSON.stringify(res, null, 2)}\n`);
    else {
      out.write(`swept ${res.targets} addresses in ${res.subnets.join(', ')}: ${res.alive.length} answered, ${res.configured.length} already configured\n`);
      for (const p of res.proposals) {
        out.write(`  ${p.address.padEnd(15)} ${p.class.padEnd(9)} ${[p.vendor, p.model].filter(Boolean).join(' ') || '-'}  ${p.sysName ?? ''}  [${p.credential ? `snmp: ${p.credential}` : 'ping only'}; ${p.status}]\n`);
      }
      const fresh = res.proposals.filter((p) => p.status === 'proposed');
      if (fresh.length) out.write(`\nTo monitor them, add under devices: in the config:\n\n${fresh.map((p) => p.snippet ?? '').join('\n')}`);
    }
    return res.error ? 1 : 0;
  } finally {
    store.close();
  }
}

#!/usr/bin/env -S node --openssl-legacy-provider
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, formatIssues } from './config/load.js';
import { collectSnmp } from '../probes/snmp/index.js';
import { pingHosts } from '../probes/ping/index.js';
import type { SnmpCredential } from '../probes/snmp/credentials.js';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from '../probes/snmp/credentials.js';
import type { ProbeLogger } from '../probes/types.js';
import { formatSnmpReport } from './cli/format.js';
import { PACKAGE_ROOT } from './version.js';
import { EmbeddedStore } from './store/embedded.js';
import { UserStore } from './auth/users.js';
import { dataDir, retention } from './config/resolve.js';
import type { Role } from './schemas/api.js';

const USAGE = `outpost — site monitoring appliance

  outpost serve [--config FILE]
  outpost probe snmp HOST[:PORT] (--community C | --v3-user U --auth-protocol P --auth-key K [--priv-protocol P --priv-key K]) [--snmp-version 1|2c] [--json]
  outpost probe ping HOST... [--count N] [--json]
  outpost smart (DEVICE [-d TYPE] | --from-json FILE) [--json] [--smartctl PATH]
  outpost check-config FILE
  outpost report sla --month YYYY-MM [--format html|csv|json] [--out FILE] [--config FILE]
  outpost report inventory|firmware [--format json|csv] [--out FILE] [--config FILE]
  outpost discover [--config FILE] [--json]
  outpost backup FILE [--config FILE]
  outpost restore FILE [--config FILE] [--data-dir DIR] [--force]
  outpost user add NAME --role viewer|tech|admin --password-stdin [--config FILE]
  outpost token create NAME --role viewer|tech|admin [--config FILE]

OUTPOST_CONFIG and OUTPOST_DATA_DIR override the config path and the data folder.`;

const stderrLog: ProbeLogger = {
  debug() {},
  info() {},
  warn: (o, m) => process.stderr.write(`warn: ${typeof o === 'string' ? o : (m ?? JSON.stringify(o))}\n`),
  error: (o, m) => process.stderr.write(`error: ${typeof o === 'string' ? o : (m ?? JSON.stringify(o))}\n`),
};

function configPath(explicit?: string): string {
  return explicit ?? process.env.OUTPOST_CONFIG ?? join(PACKAGE_ROOT, 'config', 'default.yaml');
}

function loadOrExit(path: string) {
  const res = loadConfigFile(path);
  if (!res.ok) {
    process.stderr.write(`${formatIssues(path, res.issues)}\n`);
    process.exit(1);
  }
  return res.config;
}

function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) return { host: s, port: 161 };
  return { host: m[1]!, port: m[2] ? Number(m[2]) : 161 };
}

async function probeSnmp(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      community: { type: 'string' },
      'snmp-version': { type: 'string', default: '2c' },
      'v3-user': { type: 'string' },
      'auth-protocol': { type: 'string' },
      'auth-key': { type: 'string' },
      'priv-protocol': { type: 'string' },
      'priv-key': { type: 'string' },
      context: { type: 'string' },
      timeout: { type: 'string', default: '3' },
      retries: { type: 'string', default: '1' },
      'max-repetitions': { type: 'string', default: '25' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) return usage('probe snmp needs exactly one HOST[:PORT]');
  let credential: SnmpCredential;
  if (values['v3-user']) {
    const ap = values['auth-protocol'];
    const pp = values['priv-protocol'];
    if (ap && !(AUTH_PROTOCOLS as readonly string[]).includes(ap)) return usage(`--auth-protocol must be one of ${AUTH_PROTOCOLS.join(', ')}`);
    if (pp && !(PRIV_PROTOCOLS as readonly string[]).includes(pp)) return usage(`--priv-protocol must be one of ${PRIV_PROTOCOLS.join(', ')}`);
    credential = {
      version: '3',
      user: values['v3-user'],
      ...(ap ? { auth: { protocol: ap as (typeof AUTH_PROTOCOLS)[number], key: values['auth-key'] ?? '' } } : {}),
      ...(pp ? { priv: { protocol: pp as (typeof PRIV_PROTOCOLS)[number], key: values['priv-key'] ?? '' } } : {}),
      ...(values.context ? { context: values.context } : {}),
    };
  } else if (values.community) {
    const v = values['snmp-version'];
    if (v !== '1' && v !== '2c') return usage('--snmp-version must be 1 or 2c (use --v3-user for v3)');
    credential = { version: v, community: values.community };
  } else return usage('give --community or --v3-user');
  const { host, port } = parseHostPort(positionals[0]!);
  const target = `${host}:${port}`;
  const res = await collectSnmp(
    { host, port, credential, maxRepetitions: Number(values['max-repetitions']) },
    { log: stderrLog, now: Date.now(), timeoutMs: Number(values.timeout) * 1000, retries: Number(values.retries) },
  );
  if (values.json) process.stdout.write(`${JSON.stringify({ target, device: res.device ?? null, points: res.points, errors: res.errors, ok: res.ok, ...(res.ok ? {} : { error: res.error, message: res.message }) }, null, 2)}\n`);
  else process.stdout.write(`${formatSnmpReport(target, res)}\n`);
  return res.ok ? 0 : 2;
}

async function probePing(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { count: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
  if (!positionals.length) return usage('probe ping needs at least one HOST');
  const res = await pingHosts(positionals, { count: Number(values.count), log: stderrLog, periodMs: 200 });
  const out = positionals.map((h) => ({ target: h, ...res.get(h)! }));
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else
    for (const r of out) {
      const f = r.points[0]?.fields ?? {};
      process.stdout.write(`${r.target.padEnd(20)} ${r.ok ? 'up  ' : 'DOWN'} loss ${f.loss_pct}%  rtt min/avg/max ${f.rtt_min_ms ?? '-'}/${f.rtt_avg_ms ?? '-'}/${f.rtt_max_ms ?? '-'} ms  jitter ${f.jitter_ms ?? '-'} ms\n`);
    }
  return out.every((r) => r.ok) ? 0 : 2;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function openUsers(cfgFile?: string): { users: UserStore; close(): void } {
  const cfg = loadOrExit(configPath(cfgFile));
  const store = new EmbeddedStore(dataDir(cfg), retention(cfg));
  return { users: new UserStore(store.db), close: () => store.db.close() };
}

function parseRole(r: string | undefined): Role | undefined {
  return r === 'viewer' || r === 'tech' || r === 'admin' ? r : undefined;
}

async function userAdd(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false }, config: { type: 'string' } } });
  const role = parseRole(values.role);
  if (positionals.length !== 1 || !role) return usage('user add NAME --role viewer|tech|admin --password-stdin');
  if (!values['password-stdin']) return usage('passwords are read from standard input only (--password-stdin), never from the command line');
  const password = await readStdin();
  if (password.length < 10) {
    process.stderr.write('password must be at least 10 characters\n');
    return 1;
  }
  const { users, close } = openUsers(values.config);
  await users.add(positionals[0]!, role, password);
  close();
  process.stdout.write(`user ${positionals[0]} (${role}) saved\n`);
  return 0;
}

async function tokenCreate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, config: { type: 'string' } } });
  const role = parseRole(values.role);
  if (positionals.length !== 1 || !role) return usage('token create NAME --role viewer|tech|admin');
  const { users, close } = openUsers(values.config);
  try {
    const token = users.createToken(positionals[0]!, role);
    process.stdout.write(`${token}\n`);
    process.stderr.write('Store this token now: it is shown once and only its hash is kept.\n');
  } catch (err) {
    process.stderr.write(`cannot create token: ${(err as Error).message}\n`);
    return 1;
  } finally {
    close();
  }
  return 0;
}

function usage(msg?: string): number {
  if (msg) process.stderr.write(`${msg}\n\n`);
  process.stderr.write(`${USAGE}\n`);
  return 64;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case 'serve': {
      const { values } = parseArgs({ args: argv.slice(1), options: { config: { type: 'string' } } });
      const path = configPath(values.config);
      if (!existsSync(path)) {
        process.stderr.write(`config file not found: ${path}\n`);
        return 1;
      }
      const { serve } = await import('./server.js');
      await serve({ config: loadOrExit(path), configPath: path });
      return -1; // keep running
    }
    case 'probe':
      if (sub === 'snmp') return probeSnmp(rest);
      if (sub === 'ping') return probePing(rest);
      return usage('probe what? snmp or ping');
    case 'smart': {
      const { smartCommand } = await import('../probes/smart/cli.js');
      return smartCommand(argv.slice(1), process.stdout);
    }
    case 'backup':
    case 'restore': {
      const { backupCommand } = await import('./cli/backup.js');
      return backupCommand(cmd, argv.slice(1), configPath());
    }
    case 'report': {
      const { reportCommand } = await import('./cli/report.js');
      return reportCommand(argv.slice(1), process.stdout);
    }
    case 'discover': {
      const { discoverCommand } = await import('./cli/report.js');
      return discoverCommand(argv.slice(1), process.stdout);
    }
    case 'check-config': {
      if (!sub) return usage('check-config FILE');
      const res = loadConfigFile(sub);
      if (res.ok) {
        process.stdout.write(`${sub}: OK (${res.config.devices.length} devices)\n`);
        return 0;
      }
      process.stderr.write(`${formatIssues(sub, res.issues)}\n`);
      return 1;
    }
    case 'user':
      if (sub === 'add') return userAdd(rest);
      return usage('user add …');
    case 'token':
      if (sub === 'create') return tokenCreate(rest);
      return usage('token create …');
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return usage(`unknown command ${cmd}`);
  }
}

// Run only when executed (directly or through the npm bin symlink), not when a test imports main().
const invokedDirectly = !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err) => {
      process.stderr.write(`outpost: ${(err as Error).stack ?? err}\n`);
      process.exit(70);
    },
  );
}

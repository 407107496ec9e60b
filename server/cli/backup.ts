import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfigFile, formatIssues } from '../config/load.js';
import { dataDir } from '../config/resolve.js';
import { VERSION } from '../version.js';

const run = promisify(execFile);

/**
 * `outpost backup FILE` / `outpost restore FILE`: everything needed to rebuild a box — the config file, its
 * environment file of secrets (outpost.env beside it), the TLS pair it names, and the data: the SQLite store
 * (copied with SQLite's online backup API, so the service can keep running) and the InfluxDB outboxes (points
 * not yet delivered). The archive holds secrets: it is written mode 0600.
 */
export interface Manifest {
  format: 1;
  version: string;
  created: string;
  site: string;
  /** Where each file came from, so a restore on a fresh box puts it back there unless told otherwise. */
  config: string;
  env?: string;
  tls?: { cert: string; key: string };
  dataDir: string;
}

export interface BackupOptions {
  configPath: string;
  env?: NodeJS.ProcessEnv;
}

const CONFIG_NAME = 'config/outpost.yaml';

/** FILE ending in .tar.gz/.tgz is an archive; anything else is a directory (handy for rsync and for tests). */
function isArchive(file: string): boolean {
  return /\.(tar\.gz|tgz)$/.test(file);
}

export async function backup(file: string, opts: BackupOptions): Promise<Manifest> {
  const res = loadConfigFile(opts.configPath, opts.env);
  if (!res.ok) throw new Error(`config is invalid, refusing to back it up:\n${formatIssues(opts.configPath, res.issues)}`);
  const cfg = res.config;
  const data = dataDir(cfg, opts.env);
  const dbFile = join(data, 'outpost.db');
  if (!existsSync(dbFile)) throw new Error(`no database at ${dbFile} (is OUTPOST_DATA_DIR right?)`);

  const out = resolve(file);
  if (existsSync(out)) throw new Error(`${out} exists; a backup never overwrites`);
  const stage = isArchive(out) ? mkdtempSync(join(tmpdir(), 'outpost-backup-')) : out;
  mkdirSync(stage, { recursive: true, mode: 0o700 });
  try {
    const manifest: Manifest = { format: 1, version: VERSION, created: new Date().toISOString(), site: cfg.site.id, config: resolve(opts.configPath), dataDir: data };
    put(opts.configPath, join(stage, CONFIG_NAME));
    const envFile = join(dirname(resolve(opts.configPath)), 'outpost.env');
    if (existsSync(envFile)) {
      put(envFile, join(stage, 'config/outpost.env'));
      manifest.env = envFile;
    }
    const tls = cfg.server?.tls;
    if (tls && existsSync(tls.cert) && existsSync(tls.key)) {
      put(tls.cert, join(stage, 'config/tls/cert.pem'));
      put(tls.key, join(stage, 'config/tls/key.pem'));
      manifest.tls = { cert: resolve(tls.cert), key: resolve(tls.key) };
    }
    mkdirSync(join(stage, 'data'), { recursive: true, mode: 0o700 });
    // Online backup: consistent even while the service writes (WAL), unlike copying the file.
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      await db.backup(join(stage, 'data/outpost.db'));
    } finally {
      db.close();
    }
    chmodSync(join(stage, 'data/outpost.db'), 0o600);
    if (existsSync(join(data, 'outbox'))) cpSync(join(data, 'outbox'), join(stage, 'data/outbox'), { recursive: true });
    writeFileSync(join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    if (isArchive(out)) {
      mkdirSync(dirname(out), { recursive: true });
      await run('tar', ['-czf', out, '-C', stage, '.'], { timeout: 600_000 });
      chmodSync(out, 0o600);
    }
    return manifest;
  } catch (err) {
    if (isArchive(out)) rmSync(out, { force: true });
    else rmSync(stage, { recursive: true, force: true });
    throw err;
  } finally {
    if (isArchive(out)) rmSync(stage, { recursive: true, force: true });
  }
}

function put(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  copyFileSync(from, to);
  chmodSync(to, 0o600);
  ownLikeParent(to);
}

/**
 * A restore run as root (the usual `sudo outpost restore`) must leave files the service user can read:
 * each file takes the owner of the folder it lands in (/etc/outpost and /var/lib/outpost belong to outpost).
 */
function ownLikeParent(path: string): void {
  if (process.getuid?.() !== 0) return;
  const st = statSync(dirname(path));
  chownSync(path, st.uid, st.gid);
}

export interface RestoreOptions {
  /** Where the config goes (default: where it was on the old box). */
  configPath?: string;
  /** Where the data goes (default: where it was on the old box). */
  dataDir?: string;
  /** Replace an existing database. Without it a restore refuses to clobber a box that already has data. */
  force?: boolean;
}

export interface RestoreResult {
  manifest: Manifest;
  configPath: string;
  dataDir: string;
}

/**
 * Put a backup back. Run it with the service stopped (the database file is replaced underneath it otherwise);
 * the installer's unit is `systemctl stop outpost`. The restored config is checked before anything is written.
 */
export async function restore(file: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const src = resolve(file);
  if (!existsSync(src)) throw new Error(`${src} does not exist`);
  const stage = statSync(src).isDirectory() ? src : mkdtempSync(join(tmpdir(), 'outpost-restore-'));
  try {
    if (stage !== src) await run('tar', ['-xzf', src, '-C', stage, '--no-same-owner'], { timeout: 600_000 });
    const manifestPath = join(stage, 'manifest.json');
    if (!existsSync(manifestPath)) throw new Error(`${src} is not an Outpost backup (no manifest.json)`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.format !== 1) throw new Error(`backup format ${String(manifest.format)} is not supported by Outpost ${VERSION}`);

    const configPath = resolve(opts.configPath ?? manifest.config);
    const data = resolve(opts.dataDir ?? manifest.dataDir);
    const envTarget = manifest.env ? join(dirname(configPath), 'outpost.env') : undefined;
    // The env file holds the ${VAR}s the config needs: check the config with it before touching the box.
    const env = { ...process.env, ...(manifest.env ? parseEnvFile(readFileSync(join(stage, 'config/outpost.env'), 'utf8')) : {}), OUTPOST_DATA_DIR: data };
    const check = loadConfigFile(join(stage, CONFIG_NAME), env);
    if (!check.ok) throw new Error(`the backed-up config does not validate here:\n${formatIssues(CONFIG_NAME, check.issues)}`);
    const dbTarget = join(data, 'outpost.db');
    if (existsSync(dbTarget) && !opts.force) throw new Error(`${dbTarget} exists; stop the service and pass --force to replace it`);

    put(join(stage, CONFIG_NAME), configPath);
    if (envTarget) put(join(stage, 'config/outpost.env'), envTarget);
    if (manifest.tls && check.config.server?.tls) {
      put(join(stage, 'config/tls/cert.pem'), check.config.server.tls.cert);
      put(join(stage, 'config/tls/key.pem'), check.config.server.tls.key);
    }
    mkdirSync(data, { recursive: true, mode: 0o750 });
    // Rename over the old file, and drop its WAL: a stale -wal would be replayed into the restored database.
    copyFileSync(join(stage, 'data/outpost.db'), `${dbTarget}.restore`);
    chmodSync(`${dbTarget}.restore`, 0o600);
    for (const side of ['-wal', '-shm']) rmSync(`${dbTarget}${side}`, { force: true });
    ownLikeParent(`${dbTarget}.restore`);
    renameSync(`${dbTarget}.restore`, dbTarget);
    if (existsSync(join(stage, 'data/outbox'))) {
      rmSync(join(data, 'outbox'), { recursive: true, force: true });
      cpSync(join(stage, 'data/outbox'), join(data, 'outbox'), { recursive: true });
      if (process.getuid?.() === 0) {
        const st = statSync(data);
        for (const f of readdirSync(join(data, 'outbox'), { recursive: true, encoding: 'utf8' })) chownSync(join(data, 'outbox', f), st.uid, st.gid);
        chownSync(join(data, 'outbox'), st.uid, st.gid);
      }
    }
    return { manifest, configPath, dataDir: data };
  } finally {
    if (stage !== src) rmSync(stage, { recursive: true, force: true });
  }
}

/** `KEY=value` lines as systemd's EnvironmentFile= reads them (comments, optional quotes). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

/** CLI entry: `outpost backup FILE [--config F]` and `outpost restore FILE [--config F] [--data-dir D] [--force]`. */
export async function backupCommand(cmd: 'backup' | 'restore', argv: string[], defaultConfig: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { parseArgs } = await import('node:util');
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean', default: false } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    process.stderr.write(`usage: outpost ${cmd} FILE(.tar.gz|directory) [--config FILE]${cmd === 'restore' ? ' [--data-dir DIR] [--force]' : ''}\n`);
    return 64;
  }
  try {
    if (cmd === 'backup') {
      const m = await backup(positionals[0]!, { configPath: values.config ?? defaultConfig });
      out.write(`backed up site ${m.site} (config, ${m.env ? 'secrets file, ' : ''}${m.tls ? 'TLS pair, ' : ''}data) to ${positionals[0]}; it holds secrets: keep it safe\n`);
    } else {
      const r = await restore(positionals[0]!, { configPath: values.config, dataDir: values['data-dir'], force: values.force });
      out.write(`restored site ${r.manifest.site} from ${basename(positionals[0]!)}: config ${r.configPath}, data ${r.dataDir}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`outpost ${cmd}: ${(err as Error).message}\n`);
    return 1;
  }
}

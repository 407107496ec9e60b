import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { OutpostConfig } from './schema.js';
import { normaliseVersion } from '../../probes/snmp/credentials.js';
import { sinkConfigErrors } from '../store/influx/config.js';
import { checkAlertsConfig } from '../alerts/rules.js';
import { notifyConfigErrors } from '../alerts/delivery.js';
import { discoveryConfigErrors } from '../discovery/config.js';
import { reportsConfigErrors } from '../reports/config.js';
import { WIDTHS } from '../store/rollups.js';
import { parseDuration } from './duration.js';

/** One problem in a config file: where (`devices[2].snmp`) and why, in words a tech can act on. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type LoadResult = { ok: true; config: OutpostConfig } | { ok: false; issues: ConfigIssue[] };

const Ajv = AjvModule.default ?? AjvModule;
let compiled: ValidateFunction | undefined;

/**
 * Compiled on first use, not at import: compiling generates ~350 KB of code (~0.2 s, ~12 MB peak RSS), and
 * commands or modules that import this file without validating should not pay it. Kept once compiled (its
 * retained heap is ~0.3 MB; a reload would otherwise pay the compile again). `optimize: false` skips Ajv's
 * code-optimisation passes: same checks and errors, half the compile time.
 */
function validator(): ValidateFunction {
  // `x-secret` marks fields the redactor blanks; Ajv must accept the keyword rather than fail on it.
  compiled ??= new Ajv({ allErrors: true, useDefaults: true, strict: false, keywords: ['x-secret'], code: { optimize: false } }).compile(OutpostConfig);
  return compiled;
}

/** `/devices/2/snmp` → `devices[2].snmp` */
function jsonPointerToPath(ptr: string): string {
  return ptr
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/**
 * Replace `${NAME}` with the environment variable (secrets stay out of the file); `$${` is a literal `${`.
 * A variable that is not set is an error naming the key, never an empty community string.
 */
function interpolate(node: unknown, path: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): unknown {
  if (typeof node === 'string') {
    return node.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
      if (whole.startsWith('$$')) return whole.slice(1);
      const v = env[name];
      if (v === undefined) {
        issues.push({ path, message: `environment variable ${name} is not set` });
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(node)) return node.map((v, i) => interpolate(v, `${path}[${i}]`, env, issues));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolate(v, path ? `${path}.${k}` : k, env, issues)]));
  }
  return node;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'pattern':
      if (/\(ms\|s\|m\|h\|d/.test(String((e.params as { pattern: string }).pattern))) return 'not a duration (write it like 30s, 5m, 1h, 7d)';
      return `does not match the expected form ${(e.params as { pattern: string }).pattern}`;
    case 'enum':
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue ?? (e.params as { allowedValues?: unknown }).allowedValues)}`;
    default:
      return e.message ?? e.keyword;
  }
}

/**
 * Ajv reports every branch of a union; a tech needs the branch they meant. Keep, per union, the branch
 * whose errors are the most specific (not a mere type or constant mismatch at the union's own level).
 */
function simplify(errors: ErrorObject[]): ConfigIssue[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  let rest = errors.filter((e) => e.keyword !== 'anyOf');
  for (const u of unions) {
    const prefix = u.schemaPath.replace(/\/anyOf$/, '') + '/anyOf/';
    const branches = new Map<string, ErrorObject[]>();
    for (const e of rest) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const b = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(b, [...(branches.get(b) ?? []), e]);
    }
    if (branches.size === 0) continue;
    const shallowMismatch = (es: ErrorObject[]) =>
      es.some((e) => (e.keyword === 'type' && e.instancePath === u.instancePath) || (e.keyword === 'const' && e.instancePath.startsWith(u.instancePath) && e.instancePath.split('/').length - u.instancePath.split('/').length <= 1));
    const candidates = [...branches.values()].filter((es) => !shallowMismatch(es));
    const inUnion = new Set([...branches.values()].flat());
    rest = rest.filter((e) => !inUnion.has(e));
    if (candidates.length === 0) {
      const isDuration = [...branches.values()].flat().some((e) => e.keyword === 'pattern' && /ms\|s\|m/.test(String((e.params as { pattern?: string }).pattern)));
      const allowed = [...branches.values()].flat().filter((e) => e.keyword === 'const').map((e) => String((e.params as { allowedValue: unknown }).allowedValue));
      const message = isDuration
        ? 'not a duration (write it like 30s, 5m, 1h, 7d)'
        : allowed.length === branches.size
          ? `must be one of: ${allowed.join(', ')}`
          : 'has the wrong type or form for this key';
      rest.push({ ...u, keyword: 'union', message } as ErrorObject);
      continue;
    }
    candidates.sort((a, b) => a.length - b.length);
    rest.push(...candidates[0]!);
  }
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const e of rest) {
    const issue = { path: jsonPointerToPath(e.instancePath) || '(top level)', message: describe(e) };
    const key = `${issue.path}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out;
}

/**
 * Raw points are what a crash's open roll-up buckets are rebuilt from (server/store/rollups.ts), so raw must
 * outlive the widest bucket; shorter, the rebuild would find the start of the hour already pruned.
 */
const RAW_RETENTION_MIN_MS = Math.max(...WIDTHS);

/** Checks a schema cannot express: references between sections and uniqueness. */
function crossCheck(cfg: OutpostConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, number>();
  const creds = new Set(Object.keys(cfg.credentials ?? {}));
  cfg.devices.forEach((d, i) => {
    if (names.has(d.name)) issues.push({ path: `devices[${i}].name`, message: `duplicate device name "${d.name}" (also devices[${names.get(d.name)}])` });
    names.set(d.name, i);
    const ref = typeof d.snmp === 'string' ? d.snmp : d.snmp?.credential;
    if (ref !== undefined && !creds.has(ref)) {
      issues.push({ path: `devices[${i}].snmp`, message: `credential "${ref}" is not defined under credentials` });
    }
  });
  cfg.devices.forEach((d, i) => {
    if (d.parent === undefined) return;
    if (!names.has(d.parent)) issues.push({ path: `devices[${i}].parent`, message: `parent "${d.parent}" is not a device name` });
    else if (d.parent === d.name) issues.push({ path: `devices[${i}].parent`, message: 'a device cannot be its own parent' });
  });
  // Parent loops would make dependency suppression hide a whole loop forever.
  const parentOf = new Map(cfg.devices.map((d) => [d.name, d.parent]));
  cfg.devices.forEach((d, i) => {
    const seen = new Set<string>([d.name]);
    let p = d.parent;
    while (p !== undefined && parentOf.has(p)) {
      if (seen.has(p)) {
        if (p !== d.name || d.parent === d.name) break;
        issues.push({ path: `devices[${i}].parent`, message: `parent chain loops back to "${d.name}"` });
        break;
      }
      seen.add(p);
      p = parentOf.get(p);
    }
  });
  (cfg.storage?.influxdb ?? []).forEach((sink, i) => {
    for (const e of sinkConfigErrors(sink)) {
      const colon = e.indexOf(':');
      issues.push({ path: `storage.influxdb[${i}].${e.slice(0, colon)}`, message: e.slice(colon + 1).trim() });
    }
  });
  if (cfg.alerts) {
    const { notify, heartbeat, ...engine } = cfg.alerts;
    for (const p of checkAlertsConfig(engine, undefined, cfg.site.timezone ?? 'UTC')) issues.push({ path: p.path, message: p.message });
    if (notify || heartbeat) {
      for (const e of notifyConfigErrors(notify ?? [], heartbeat)) {
        const colon = e.indexOf(': ');
        issues.push(colon > 0 ? { path: e.slice(0, colon), message: e.slice(colon + 2) } : { path: 'alerts', message: e });
      }
    }
  }
  const raw = cfg.storage?.embedded?.retention?.raw;
  if (raw !== undefined && parseDuration(raw) < RAW_RETENTION_MIN_MS) {
    issues.push({
      path: 'storage.embedded.retention.raw',
      message: `must be at least ${RAW_RETENTION_MIN_MS / 3_600_000}h: after a crash the open roll-up buckets (the longest spans an hour) are rebuilt from raw points`,
    });
  }
  if (cfg.discovery) issues.push(...discoveryConfigErrors(cfg.discovery, Object.keys(cfg.credentials ?? {})));
  if (cfg.reports) issues.push(...reportsConfigErrors(cfg.reports, cfg.devices.map((d) => d.name)));
  for (const [name, c] of Object.entries(cfg.credentials ?? {})) {
    if (c.version === '3' && c.priv && !c.auth) issues.push({ path: `credentials.${name}.priv`, message: 'privacy (priv) needs auth too (authPriv)' });
    if (c.version === '3') {
      for (const k of ['auth', 'priv'] as const) {
        const key = c[k]?.key;
        if (key !== undefined && key.length < 8) issues.push({ path: `credentials.${name}.${k}.key`, message: 'must be at least 8 characters (RFC 3414)' });
      }
    }
  }
  return issues;
}

/** Validate an already-parsed object (used by tests and by the file loader). */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const issues: ConfigIssue[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, issues: [{ path: '(top level)', message: 'the file must be a YAML mapping' }] };
  const obj = interpolate(raw, '', env, issues) as Record<string, unknown>;
  if (obj.credentials && typeof obj.credentials === 'object') {
    obj.credentials = Object.fromEntries(Object.entries(obj.credentials).map(([k, v]) => [k, normaliseVersion(v)]));
  }
  // Optional sections get their defaults too: a config with only `site` and `devices` is complete.
  for (const k of ['server', 'defaults'] as const) if (obj[k] === undefined) obj[k] = {};
  if (obj.storage === undefined) obj.storage = {};
  if (obj.storage && typeof obj.storage === 'object' && (obj.storage as Record<string, unknown>).embedded === undefined) {
    (obj.storage as Record<string, unknown>).embedded = {};
  }
  const validate = validator();
  if (!validate(obj)) return { ok: false, issues: [...issues, ...simplify(validate.errors ?? [])] };
  const cfg = obj as unknown as OutpostConfig;
  issues.push(...crossCheck(cfg));
  return issues.length ? { ok: false, issues } : { ok: true, config: cfg };
}

/** Read, parse and validate a YAML config file. YAML syntax errors come back with their line. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ path: '(file)', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return { ok: false, issues: doc.errors.map((e) => ({ path: `(line ${e.linePos?.[0]?.line ?? '?'})`, message: e.message.split('\n')[0]! })) };
  }
  return validateConfig(doc.toJS(), env);
}

export function formatIssues(file: string, issues: ConfigIssue[]): string {
  return issues.map((i) => `${file}: ${i.path}: ${i.message}`).join('\n');
}

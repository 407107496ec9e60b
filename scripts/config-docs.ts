/**
 * Regenerates config/README.md from the config schema's descriptions, so the reference can never drift from
 * what check-config accepts: `node dist/scripts/config-docs.js > config/README.md` (npm run config-docs).
 */
import { OutpostConfig } from '../server/config/schema.js';

type S = { type?: string; description?: string; default?: unknown; properties?: Record<string, S>; required?: string[]; items?: S; anyOf?: S[]; patternProperties?: Record<string, S>; const?: unknown; enum?: unknown[]; 'x-secret'?: boolean };

function typeOf(s: S): string {
  if (s.anyOf) {
    if (s.anyOf.every((x) => x.const !== undefined)) return s.anyOf.map((x) => JSON.stringify(x.const)).join(' \\| ');
    return s.anyOf.map(typeOf).join(' \\| ');
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.patternProperties) return 'map';
  return s.type ?? 'any';
}

const rows: string[] = [];
function walk(s: S, path: string): void {
  const objs = s.anyOf ? s.anyOf.filter((x) => x.properties) : s.properties ? [s] : [];
  if (path && (!objs.length || s.description || (s.anyOf && s.anyOf.length > objs.length))) {
    const secret = s['x-secret'] || s.anyOf?.some((x) => x['x-secret']) ? ' **secret** (use `${ENV}`)' : '';
    const dflt = s.default !== undefined && typeof s.default !== 'object' ? ` Default \`${s.default}\`.` : '';
    rows.push(`| \`${path}\` | ${typeOf(s)} | ${(s.description ?? '').replace(/\|/g, '\\|')}${dflt}${secret} |`);
  }
  for (const o of objs) for (const [k, v] of Object.entries(o.properties!)) walk(v, path ? `${path}.${k}` : k);
  if (s.type === 'array' && s.items) walk(s.items, `${path}[]`);
  if (s.patternProperties) for (const v of Object.values(s.patternProperties)) walk(v, `${path}.NAME`);
}
walk(OutpostConfig as unknown as S, '');

process.stdout.write(`# Config reference

Generated from \`server/config/schema.ts\` by \`npm run config-docs\`; do not edit by hand. Unknown keys are
rejected everywhere; \`outpost check-config FILE\` prints the path of every bad key and why. Durations are
written \`30s\`, \`5m\`, \`1h30m\`, \`7d\` (a bare number is seconds). \`\${NAME}\` is replaced by the environment
variable NAME (\`$\${\` for a literal); a variable that is not set is an error. SIGHUP reloads the file; a bad
file keeps the running config and \`/api/health\` says why. See \`outpost.example.yaml\` for a whole site and
\`default.yaml\` for what a fresh box runs.

| key | type | meaning |
|---|---|---|
${rows.join('\n')}
`);

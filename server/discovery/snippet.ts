import { stringify } from 'yaml';
import type { Proposal } from './schema.js';

/** A device name the config accepts (`^[^\s/]+$`), from sysName when there is one: what techs call it. */
export function proposedName(p: Proposal, taken: ReadonlySet<string> = new Set()): string {
  const fromSys = (p.sysName ?? '').split('.')[0]!.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  const base = fromSys || `${p.class === 'unknown' ? 'host' : p.class}-${p.address.replace(/\./g, '-')}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name.slice(0, 128);
}

/**
 * The `devices:` entry for a proposal, as YAML the tech pastes under `devices:`. The class is left to
 * detection (it is a comment, not a key) so a firmware change that reclassifies a device is not pinned.
 */
export function proposalSnippet(p: Proposal, taken: ReadonlySet<string> = new Set()): string {
  const entry: Record<string, string> = { name: proposedName(p, taken), host: p.address };
  if (p.credential) entry.snmp = p.credential;
  const what = [p.vendor, p.model].filter(Boolean).join(' ') || (p.credential ? 'SNMP agent' : 'answers ping only, no SNMP credential worked');
  const yaml = stringify([entry], { flowCollectionPadding: true }).trimEnd();
  return `# discovered ${new Date(p.lastSeen).toISOString()}: ${p.class}, ${what}\n${yaml}\n`;
}

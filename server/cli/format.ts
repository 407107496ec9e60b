import type { ProbeResult, Point } from '../../probes/types.js';

/** The human summary of `outpost probe snmp`: identity first, then what a tech scans for. */
export function formatSnmpReport(target: string, r: ProbeResult): string {
  const lines: string[] = [];
  if (!r.ok) {
    lines.push(`${target}: NOT ANSWERING (${r.error}): ${r.message ?? ''}`);
    return lines.join('\n');
  }
  const d = r.device!;
  lines.push(`${target}: ${d.class.toUpperCase()}  ${[d.vendor, d.model].filter(Boolean).join(' ')}`);
  const id: Array<[string, string | undefined]> = [
    ['OS', [d.os, d.version].filter(Boolean).join(' ')],
    ['Serial', d.serial],
    ['sysName', d.sysName],
    ['sysObjectID', d.sysObjectID],
    ['Profile', d.profile],
  ];
  for (const [k, v] of id) if (v) lines.push(`  ${k.padEnd(12)} ${v}`);
  const by = new Map<string, Point[]>();
  for (const p of r.points) by.set(p.measurement, [...(by.get(p.measurement) ?? []), p]);
  for (const [m, pts] of by) {
    if (m === 'interface') {
      lines.push(`  interfaces (${pts.length}):`);
      for (const p of pts.slice(0, 64)) {
        const f = p.fields;
        const state = f.admin_up === false ? 'disabled' : f.oper_up ? 'up' : 'down';
        const speed = typeof f.speed_bps === 'number' && f.speed_bps > 0 ? humanBps(f.speed_bps) : '';
        const alias = typeof f.alias === 'string' && f.alias !== p.tags.ifName ? `  "${f.alias}"` : '';
        lines.push(`    ${String(p.tags.ifName).padEnd(24)} ${state.padEnd(8)} ${speed.padStart(9)}${alias}`);
      }
      if (pts.length > 64) lines.push(`    … ${pts.length - 64} more`);
      continue;
    }
    for (const p of pts) {
      const label = Object.entries(p.tags).map(([k, v]) => `${k}=${v}`).join(' ');
      const fields = Object.entries(p.fields).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(2) : v}`).join('  ');
      lines.push(`  ${m}${label ? ` [${label}]` : ''}: ${fields}`);
    }
  }
  if (r.errors.length) {
    lines.push('  partial errors:');
    for (const e of r.errors) lines.push(`    ${e}`);
  }
  return lines.join('\n');
}

function humanBps(b: number): string {
  if (b >= 1e9) return `${+(b / 1e9).toFixed(1)}G`;
  if (b >= 1e6) return `${+(b / 1e6).toFixed(0)}M`;
  if (b >= 1e3) return `${+(b / 1e3).toFixed(0)}k`;
  return `${b}`;
}

/**
 * The human view of a SMART report, for a tech at a console: verdict and what to do first, then why, then the
 * numbers that back it up. Plain text, no colours (it is pasted into tickets).
 */
import { COUNTER_RULES } from './rules.js';
import type { AtaAttribute, SmartReport, Verdict } from './types.js';

const HEADLINE: Record<Verdict, string> = {
  ok: 'OK: no problems found',
  info: 'INFO: worth a look, no action needed',
  warn: 'WARN: plan a replacement',
  fail: 'FAIL: replace this disk now (back it up first)',
  unknown: 'UNKNOWN: SMART could not be read',
};

function bytes(n: number | undefined): string | undefined {
  if (n === undefined) return undefined;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

const KEY_ATA_IDS = new Set([9, 194, ...COUNTER_RULES.flatMap((r) => (r.ata ? [r.ata.id] : []))]);

function isFlagged(a: AtaAttribute): boolean {
  return a.whenFailed !== '' || (a.thresh !== undefined && a.thresh > 0 && a.value !== undefined && a.value <= a.thresh);
}

function attributeTable(attrs: AtaAttribute[]): string[] {
  const rows = attrs.filter((a) => KEY_ATA_IDS.has(a.id) || isFlagged(a));
  if (!rows.length) return [];
  const line = (c: string[]) => `    ${c[0]!.padStart(3)}  ${c[1]!.padEnd(26)} ${c[2]!.padStart(5)} ${c[3]!.padStart(5)} ${c[4]!.padStart(6)}  ${c[5]}`;
  return [
    '  attributes',
    line(['ID', 'NAME', 'VALUE', 'WORST', 'THRESH', 'RAW']),
    ...rows.map((a) =>
      line([String(a.id), a.name, String(a.value ?? '-'), String(a.worst ?? '-'), String(a.thresh ?? '-'), `${a.rawString}${a.whenFailed ? `  FAILED ${a.whenFailed.toUpperCase()}` : ''}`]),
    ),
  ];
}

export function formatReport(r: SmartReport): string {
  const d = r.device;
  const lines: string[] = [HEADLINE[r.verdict]];
  const kind = d.kind === 'unknown' ? '' : ` ${d.kind.toUpperCase()}`;
  const where = d.path ? `${d.path}${d.type ? ` (-d ${d.type})` : ''}` : undefined;
  lines.push(`  disk   ${[d.model ?? 'unknown model', d.serial ? `serial ${d.serial}` : undefined, bytes(d.capacity_bytes), `${d.protocol}${kind}`, where].filter(Boolean).join(' · ')}`);
  r.reasons.forEach((x, i) => lines.push(`${i === 0 ? '  why    ' : '         '}[${x.level}] ${x.text}`));
  const disk = r.points.find((p) => p.measurement === 'disk')?.fields ?? {};
  const facts: string[] = [];
  if (disk.temp_c !== undefined) facts.push(`temperature ${disk.temp_c} °C`);
  if (typeof disk.power_on_hours === 'number') facts.push(`powered on ${disk.power_on_hours} h (${(disk.power_on_hours / 8766).toFixed(1)} years)`);
  for (const k of ['reallocated', 'pending', 'uncorrectable', 'media_errors'] as const) if (disk[k] !== undefined) facts.push(`${k.replace('_', ' ')} ${disk[k]}`);
  if (disk.percentage_used !== undefined) facts.push(`endurance used ${disk.percentage_used} %`);
  if (facts.length) lines.push(`  health ${facts.join(' · ')}`);
  const n = r.reading?.nvme;
  if (n) {
    lines.push(
      `  nvme   critical warning 0x${(n.criticalWarning ?? 0).toString(16)} · spare ${n.availableSpare ?? '?'} % (threshold ${n.availableSpareThreshold ?? '?'} %) · error-log entries ${n.errorLogEntries ?? '?'} · unsafe shutdowns ${n.unsafeShutdowns ?? '?'}`,
    );
  }
  lines.push(...attributeTable(r.reading?.ata?.attributes ?? []));
  if (r.exit.code !== null) {
    const bits = r.exit.bits.map((b) => `bit ${b.bit} ${b.name}: ${b.meaning}`);
    lines.push(`  smartctl exit ${r.exit.code}${bits.length ? '' : ' (clean)'}`, ...bits.map((b) => `    ${b}`));
  }
  for (const note of r.notes) lines.push(`  note   ${note}`);
  return lines.join('\n') + '\n';
}

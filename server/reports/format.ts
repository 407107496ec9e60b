/** Small formatting helpers shared by the HTML and CSV renderers. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** RFC 4180 field; a leading = + - @ is prefixed with ' so a spreadsheet never runs a device name as a formula. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** `99.722 %`; null (nothing measured) is an em dash, never 100. */
export function formatPct(p: number | null, places = 3): string {
  return p === null ? '—' : `${p.toFixed(places)} %`;
}

export const minutes = (ms: number) => Math.round(ms / 60_000);

export function round(p: number | null, places = 4): number | null {
  return p === null ? null : Math.round(p * 10 ** places) / 10 ** places;
}

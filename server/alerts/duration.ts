/**
 * Durations are parsed by the config's own parser so `for: 30s` in `alerts.rules` means exactly what `interval:
 * 30s` means elsewhere in the file (a bare number is seconds there, so here too).
 */
export { parseDuration } from '../config/duration.js';

/** "14 min", "2 h 5 min", "40 s": how long, for humans reading a summary. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  if (h < 48) return rest ? `${h} h ${rest} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}

import type { AvailabilitySample } from './sla.js';

/**
 * Simulated availability, for demos and tests: what a poller at `intervalMs` would have recorded for a
 * device with the given outages (down: it answered "no") and gaps (nothing recorded: the box was off).
 */
export interface SimulatedDevice {
  down?: ReadonlyArray<readonly [number, number]>;
  gaps?: ReadonlyArray<readonly [number, number]>;
}

export function simulateAvailability(from: number, to: number, intervalMs: number, dev: SimulatedDevice, offsetMs = 0): AvailabilitySample[] {
  const inside = (ranges: SimulatedDevice['down'], t: number) => (ranges ?? []).some(([a, b]) => t >= a && t < b);
  const out: AvailabilitySample[] = [];
  for (let t = from + offsetMs; t < to; t += intervalMs) {
    if (inside(dev.gaps, t)) continue;
    out.push({ t, up: !inside(dev.down, t) });
  }
  return out;
}

import type { DeviceState } from '../store/embedded.js';

/**
 * The one SSE event map (STYLE.md 13), imported by the server that sends and the UI that listens.
 * Each key is an SSE `event:` name; its value is the JSON `data:`.
 */
export interface EventMap {
  probeResult: { device: string; probe: string; ok: boolean; error?: string; time: number; durationMs: number; class: string };
  deviceState: { device: string; state: DeviceState; previous: DeviceState; time: number };
  alertChanged: { type: string; alert: Record<string, unknown> };
  health: { time: number; pollLagS: number; devicesStale: number; devicesDown: number };
}

export type EventName = keyof EventMap;

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

/**
 * The stream's first event, sent to each new connection before any other. `seq` numbers every published event
 * (each is sent with `id: seq`); `last` is the number of the last event of each name. With the snapshot header
 * below, a page can tell whether a list it fetched before the stream connected missed an event (see
 * ui/src/lib/snapshot.ts). `boot` changes when the server restarts, and with it the numbering.
 */
export interface StreamHello {
  boot: string;
  seq: number;
  last: Partial<Record<EventName, number>>;
}

/**
 * Sent on every GET under /api/: `BOOT.SEQ`, the number of the last event published before the reply was built.
 * A snapshot includes every event up to SEQ.
 */
export const SNAPSHOT_SEQ_HEADER = 'x-outpost-seq';

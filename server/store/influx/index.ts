import { InfluxSink, type SinkOptions } from './sink.js';
import { resolveSinkConfig, type InfluxSinkInput } from './config.js';

export { InfluxSinkConfig, sinkConfigErrors, durationMs, type InfluxSinkInput } from './config.js';
export { InfluxSink, type SinkOptions, type SinkState, type SinkStats } from './sink.js';
export { sinkStatsPoint } from './stats-point.js';
export { toLine } from './line-protocol.js';
export type { FetchFn } from './transport.js';

/**
 * One sink per `storage.influxdb[]` entry, each with its own outbox and flusher so a dead server never
 * holds up a live one. Two entries for the same destination would share an outbox file and send every
 * point twice, so that is refused as a config error.
 */
export function createSinks(configs: readonly InfluxSinkInput[], opts: SinkOptions): InfluxSink[] {
  const seen = new Map<string, number>();
  configs.forEach((cfg, i) => {
    const name = resolveSinkConfig(cfg).name;
    const first = seen.get(name);
    if (first !== undefined) throw new Error(`storage.influxdb[${i}]: same destination as storage.influxdb[${first}] (${name})`);
    seen.set(name, i);
  });
  const sinks: InfluxSink[] = [];
  try {
    for (const cfg of configs) sinks.push(new InfluxSink(cfg, opts));
  } catch (err) {
    for (const s of sinks) void s.close();
    throw err;
  }
  return sinks;
}

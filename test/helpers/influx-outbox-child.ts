/**
 * Child process for the crash test (test/integration/influx-outage.test.ts): opens an InfluxDB sink and
 * enqueues one "poll" after another, printing `ack N` once poll N is durable (enqueue() + durable()), until its parent
 * kills it with SIGKILL. Settings arrive as JSON in OUTBOX_CHILD.
 */
import { InfluxSink } from '../../server/store/influx/index.js';
import { silentLogger, type Point } from '../../probes/types.js';

interface ChildArgs {
  url: string;
  database: string;
  dataDir: string;
  devices: string[];
  firstCycle: number;
  t0: number;
}

export function pollPoints(devices: string[], cycle: number, t0: number): Point[] {
  return devices.flatMap((device): Point[] => [
    { measurement: 'system', tags: { device }, fields: { uptime_s: cycle, cpu_pct: cycle % 100 }, time: t0 + cycle * 1000 },
    { measurement: 'ping', tags: { device }, fields: { rtt_avg_ms: 1.5, sent: 5, received: 5 }, time: t0 + cycle * 1000 },
  ]);
}

/** Runs only as the child; importing this file (for pollPoints) starts nothing. */
if (process.env.OUTBOX_CHILD) {
  const args = JSON.parse(process.env.OUTBOX_CHILD) as ChildArgs;
  const sink = new InfluxSink(
    { url: args.url, version: 1, database: args.database, batch_size: 50, flush_interval: '200ms', budget_mb: 64, timeout: '1s' },
    { dataDir: args.dataDir, site: 'crash', log: silentLogger, retry: { baseMs: 20, maxMs: 200 } },
  );
  sink.start();

  let cycle = args.firstCycle;
  const tick = async () => {
    sink.enqueue(pollPoints(args.devices, cycle, args.t0));
    // The ack is a promise to someone outside the process, so it waits for the group commit.
    await sink.durable();
    process.stdout.write(`ack ${cycle}\n`);
    cycle++;
    setTimeout(() => void tick(), 2);
  };
  process.stdout.write('ready\n');
  void tick();
}

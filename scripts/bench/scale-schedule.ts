/**
 * "Polled every interval": after a warm-up interval (start-up, first polls spread over the interval), every
 * window of one interval (plus a small slack for timer jitter) up to the end of the run holds a poll start of
 * the device. Checked as gaps: last poll in warm-up → first poll after it, poll → poll, last poll → end of the run,
 * each ≤ interval + slack. The warm-up interval is the run's first (the run starts one interval before warmupEnd).
 */
export interface ScheduleWindow {
  warmupEnd: number;
  end: number;
  intervalMs: number;
  /** Timer jitter allowed on top of the interval (default 5 % of it). */
  slackMs?: number;
}

export interface ScheduleResult {
  devicesOnSchedule: number;
  measuredPolls: number;
  expectedPollsPerDevice: number;
  minPolls: number;
  maxPolls: number;
  worstLagMs: number;
}

/** `times[i]` = poll start times of device i, ascending. */
export function onSchedule(times: number[][], w: ScheduleWindow): ScheduleResult {
  const limit = w.intervalMs + (w.slackMs ?? w.intervalMs * 0.05);
  let devicesOnSchedule = 0;
  let measuredPolls = 0;
  let minPolls = Infinity;
  let maxPolls = 0;
  let worstLagMs = 0;
  for (const all of times) {
    const t = all.filter((x) => x >= w.warmupEnd && x <= w.end);
    measuredPolls += t.length;
    minPolls = Math.min(minPolls, t.length);
    maxPolls = Math.max(maxPolls, t.length);
    // The last poll before warm-up end opens the first gap (none: the run's start, one interval before warm-up
    // end, so a device first polled late is late); the run's end closes the last gap.
    const before = all.filter((x) => x < w.warmupEnd).pop();
    const edges = [before ?? w.warmupEnd - w.intervalMs, ...t];
    let ok = true;
    for (let i = 1; i < edges.length; i++) {
      const gap = edges[i]! - edges[i - 1]!;
      worstLagMs = Math.max(worstLagMs, gap - w.intervalMs);
      if (gap > limit) ok = false;
    }
    const tail = w.end - edges[edges.length - 1]!;
    if (tail > limit) {
      ok = false;
      worstLagMs = Math.max(worstLagMs, tail - w.intervalMs);
    }
    if (ok) devicesOnSchedule++;
  }
  return {
    devicesOnSchedule,
    measuredPolls,
    expectedPollsPerDevice: Math.floor((w.end - w.warmupEnd) / w.intervalMs),
    minPolls: Number.isFinite(minPolls) ? minPolls : 0,
    maxPolls,
    worstLagMs: Math.max(0, worstLagMs),
  };
}

import { api } from '../api.js';
import { events } from '../events.svelte.js';
import type { DeviceDetail, EffectiveRule, LatestValue, SeriesReply } from '../types.js';

export const RANGES = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000, '1y': 31_536_000_000 } as const;
export type RangeKey = keyof typeof RANGES;

/** One chart: which fields of which measurement, optionally one tagged instance (a port, a disk). */
export interface ChartSpec {
  id: string;
  title: string;
  measurement: string;
  fields: string[];
  tag?: string;
  unit: string;
}

/** Latest values of one measurement, one row per tag set (one per port, per disk, …). */
export interface MeasurementGroup {
  measurement: string;
  rows: LatestValue[];
}

/**
 * One device page: detail, effective rules and chart data. A probe result for this device reloads the
 * detail (throttled) and the charts of the raw range, so values move without a page reload.
 */
export class DeviceView {
  detail = $state<DeviceDetail | null>(null);
  rules = $state<EffectiveRule[] | null>(null);
  error = $state<string | null>(null);
  range = $state<RangeKey>('1h');
  series = $state<Record<string, SeriesReply[]>>({});
  /** Port shown in the traffic chart. */
  port = $state<string | null>(null);

  groups = $derived.by(() => groupLatest(this.detail?.latest ?? []));
  ports = $derived((this.groups.find((g) => g.measurement === 'interface')?.rows ?? []).slice().sort((a, b) => portOrder(a, b)));
  charts = $derived.by(() => chartsFor(this.detail, this.port ?? busiestPort(this.ports)));

  private off: Array<() => void> = [];
  /** The class the shown rules were fetched for, and a counter that lets only the newest rules reply land. */
  private rulesClass: string | null = null;
  private rulesSeq = 0;
  /** The class named by the last probe result while the detail still shows another, and how often we re-asked. */
  private classSeen: string | null = null;
  private classRetries = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly name: string) {}

  start(): () => void {
    void this.load();
    this.off.push(
      events.on('probeResult', (e) => {
        if (e.device !== this.name) return;
        // The event carries the class the poll found; the detail (and so the rules) must catch up with it.
        this.classSeen = e.class;
        this.classRetries = 0;
        this.refreshSoon();
      }),
      events.on('deviceState', (e) => {
        if (e.device === this.name && this.detail) this.detail.state = e.state;
      }),
      events.onReconnect(() => this.refreshSoon()),
    );
    return () => {
      clearTimeout(this.pending);
      for (const f of this.off) f();
      this.off = [];
    };
  }

  /** Everything afresh (on open, and after an override is saved): detail, then its rules and the charts. */
  async load(): Promise<void> {
    try {
      const detail = await api.device(this.name);
      this.detail = detail;
      this.error = null;
      await Promise.all([this.loadRules(detail.class), this.loadSeries()]);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /**
   * The effective rules depend on the device's class, which the first poll sets: a page opened before it
   * would show the unclassified device's rules (no UPS rules on a UPS) until a reload. So they are fetched
   * after the detail that names the class, and again whenever a refreshed detail names another one.
   */
  private async loadRules(cls: string): Promise<void> {
    const seq = ++this.rulesSeq;
    this.rulesClass = cls;
    const rules = await api.rules(this.name).catch(() => null);
    // A slower, older reply must not replace the rules of the class that arrived meanwhile.
    if (seq === this.rulesSeq) this.rules = rules;
  }

  setRange(r: RangeKey): void {
    this.range = r;
    void this.loadSeries();
  }

  setPort(p: string): void {
    this.port = p;
    void this.loadSeries();
  }

  async loadSeries(): Promise<void> {
    const to = Date.now();
    const from = to - RANGES[this.range];
    const out: Record<string, SeriesReply[]> = {};
    await Promise.all(
      this.charts.map(async (c) => {
        out[c.id] = await Promise.all(c.fields.map((field) => api.series(this.name, { measurement: c.measurement, field, from, to, tag: c.tag })));
      }),
    );
    this.series = out;
  }

  /** Several probes finish within the same second; one reload covers them all. */
  private refreshSoon(delayMs = 500): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(async () => {
      try {
        const detail = await api.device(this.name);
        this.detail = detail;
        if (detail.class !== this.rulesClass) void this.loadRules(detail.class);
        // The server stores a poll's outcome in batches (storage.embedded.flush_every, 5 s by default), so the
        // detail can trail the event. With a long interval no next poll would fix that: retry until the class
        // the event named shows up, backing off, a few times at most.
        if (this.classSeen !== null && detail.class !== this.classSeen && this.classRetries < 5) {
          this.refreshSoon(1000 * 2 ** this.classRetries++);
          return;
        }
        this.classSeen = null;
        // Only the raw range shows a new poll; roll-ups change every 5 min at most.
        if (this.range === '1h' || this.range === '6h') await this.loadSeries();
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      }
    }, delayMs);
  }
}

const ORDER = ['system', 'ups', 'ping', 'firewall', 'storage', 'disk', 'license', 'sensor', 'interface', 'availability', 'smart_attr', 'outpost'];

export function groupLatest(latest: LatestValue[]): MeasurementGroup[] {
  const by = new Map<string, LatestValue[]>();
  for (const v of latest) {
    const rows = by.get(v.measurement) ?? [];
    rows.push(v);
    by.set(v.measurement, rows);
  }
  const rank = (m: string) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);
  return [...by.entries()].map(([measurement, rows]) => ({ measurement, rows })).sort((a, b) => rank(a.measurement) - rank(b.measurement) || a.measurement.localeCompare(b.measurement));
}

function portOrder(a: LatestValue, b: LatestValue): number {
  return Number(a.tags.ifIndex ?? 0) - Number(b.tags.ifIndex ?? 0) || (a.tags.ifName ?? '').localeCompare(b.tags.ifName ?? '');
}

/** The port with the most traffic, so the traffic chart opens on something that moves. */
export function busiestPort(ports: LatestValue[]): string | null {
  let best: string | null = null;
  let max = -1;
  for (const p of ports) {
    const bps = Number(p.fields.in_bps ?? 0) + Number(p.fields.out_bps ?? 0);
    if (p.tags.ifName && bps > max) {
      max = bps;
      best = p.tags.ifName;
    }
  }
  return best;
}

/** Charts for what the device actually reports: no empty "UPS" chart on a switch. */
export function chartsFor(d: DeviceDetail | null, port: string | null): ChartSpec[] {
  if (!d) return [];
  const has = (m: string, f: string) => d.latest.some((v) => v.measurement === m && f in v.fields);
  const out: ChartSpec[] = [];
  if (has('ping', 'rtt_avg_ms')) out.push({ id: 'rtt', title: 'Ping round trip', measurement: 'ping', fields: ['rtt_avg_ms'], unit: 'ms' });
  if (has('ping', 'loss_pct')) out.push({ id: 'loss', title: 'Ping loss', measurement: 'ping', fields: ['loss_pct'], unit: '%' });
  const sys = ['cpu_pct', 'mem_used_pct'].filter((f) => has('system', f));
  if (sys.length) out.push({ id: 'cpu', title: 'CPU and memory', measurement: 'system', fields: sys, unit: '%' });
  if (port) out.push({ id: 'traffic', title: `Traffic ${port}`, measurement: 'interface', fields: ['in_bps', 'out_bps'], tag: `ifName=${port}`, unit: 'b/s' });
  const ups = ['battery_charge_pct', 'load_pct'].filter((f) => has('ups', f));
  if (ups.length) out.push({ id: 'ups', title: 'UPS charge and load', measurement: 'ups', fields: ups, unit: '%' });
  if (has('ups', 'runtime_s')) out.push({ id: 'runtime', title: 'UPS runtime', measurement: 'ups', fields: ['runtime_s'], unit: 's' });
  if (has('disk', 'temp_c')) out.push({ id: 'disktemp', title: 'Disk temperature', measurement: 'disk', fields: ['temp_c'], unit: '°C' });
  if (has('disk', 'reallocated')) out.push({ id: 'diskrealloc', title: 'Disk reallocated sectors', measurement: 'disk', fields: ['reallocated'], unit: '' });
  return out;
}

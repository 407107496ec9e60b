import type { EventMap, EventName, StreamHello } from './types.js';

/** `seq`: the event's number (its SSE id), compared with a snapshot's stamp by ui/src/lib/snapshot.ts. */
type Listener<K extends EventName> = (data: EventMap[K], seq: number) => void;
export type StreamStatus = 'idle' | 'connecting' | 'open' | 'disconnected';

const NAMES: readonly EventName[] = ['probeResult', 'deviceState', 'alertChanged', 'health'];

/**
 * The one SSE connection to /api/events, typed by the server's EventMap (STYLE.md 13). EventSource retries by
 * itself while the server is restarting, but gives up for good on a non-200 reply (a proxy error page, a
 * 401): then we reconnect ourselves with backoff. `onReconnect` listeners reload what they show, because
 * events sent while we were away are lost; `onHello` listeners (snapshot.ts) get each connection's first event
 * and reload only when something they show was missed.
 */
class EventStream {
  status = $state<StreamStatus>('idle');
  /** When the stream last dropped; the banner says since when. */
  since = $state<number | null>(null);
  private es: EventSource | null = null;
  private listeners = new Map<EventName, Set<Listener<EventName>>>();
  private reconnectListeners = new Set<() => void>();
  private helloListeners = new Set<(h: StreamHello) => void>();
  /** The current connection's hello: every event numbered after `hello.seq` reaches us while it lasts. */
  hello: StreamHello | null = null;
  private retry = 1000;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wasOpen = false;

  on<K extends EventName>(name: K, fn: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as Listener<EventName>);
    return () => set.delete(fn as Listener<EventName>);
  }

  onReconnect(fn: () => void): () => void {
    this.reconnectListeners.add(fn);
    return () => this.reconnectListeners.delete(fn);
  }

  onHello(fn: (h: StreamHello) => void): () => void {
    this.helloListeners.add(fn);
    return () => this.helloListeners.delete(fn);
  }

  start(): void {
    if (this.es) return;
    this.status = 'connecting';
    const es = new EventSource('/api/events');
    this.es = es;
    es.onopen = () => {
      this.status = 'open';
      this.since = null;
      this.retry = 1000;
      if (this.wasOpen) for (const fn of this.reconnectListeners) fn();
      this.wasOpen = true;
    };
    es.addEventListener('hello', (ev) => {
      const h = parse(ev) as StreamHello | undefined;
      if (!h || typeof h.boot !== 'string' || typeof h.seq !== 'number') return;
      this.hello = h;
      for (const fn of this.helloListeners) fn(h);
    });
    es.onerror = () => {
      this.hello = null;
      if (this.status !== 'disconnected') this.since = Date.now();
      this.status = 'disconnected';
      if (es.readyState === EventSource.CLOSED) {
        this.es = null;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.start(), this.retry);
        this.retry = Math.min(this.retry * 2, 30_000);
      }
    };
    for (const name of NAMES) {
      es.addEventListener(name, (ev) => {
        const data = parse(ev);
        if (data === undefined) return;
        const seq = Number((ev as MessageEvent<string>).lastEventId) || 0;
        for (const fn of this.listeners.get(name) ?? []) fn(data as EventMap[typeof name], seq);
      });
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.es?.close();
    this.es = null;
    this.wasOpen = false;
    this.hello = null;
    this.status = 'idle';
    this.since = null;
  }
}

function parse(ev: Event): unknown {
  try {
    return JSON.parse((ev as MessageEvent<string>).data);
  } catch {
    return undefined;
  }
}

export const events = new EventStream();

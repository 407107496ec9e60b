import type { Stamp, Stamped } from './api.js';
import { events } from './events.svelte.js';
import type { EventMap, EventName, StreamHello } from './types.js';

/**
 * Puts a store's REST snapshot (the alert list, the device list) and the live stream together, so that an
 * alert raised while the page loads is neither lost nor shown twice. The server numbers its events and stamps
 * each GET reply with the number of the last event before it (server/api/events.ts):
 * - an event that arrives while a request is in flight is held, then applied over the reply unless the reply
 *   already includes it (its number is at most the reply's stamp);
 * - an event the reply already includes that arrives after it (the reply overtook the stream) is dropped;
 * - a reply taken before the stream connected, or while it was away, is fetched again when the stream's hello
 *   shows that an event of a kind the store follows was published after the reply (or the server restarted).
 *
 * Without stamps (an old server, a proxy that drops the header) it falls back to applying every event and
 * reloading on every reconnect.
 */
export class SnapshotSync {
  private stamp: Stamp | null = null;
  private inflight = 0;
  private held: Array<{ seq: number; apply: () => void }> = [];
  /** A reply has been shown: only then can the stream's hello find it out of date. */
  private loaded = false;

  constructor(
    private readonly follows: readonly EventName[],
    private readonly reload: () => void,
  ) {
    events.onHello((hello) => {
      // A reply in flight is checked against this hello when it lands.
      if (this.inflight === 0 && this.loaded && this.missed(hello)) reload();
    });
  }

  /**
   * Follow an event: `fn` applies it to the store's state. `repeats`: an event sent again every poll (probeResult),
   * which the reply may not include even when stamped later (the device list is cached for up to a second): it
   * is held while a request is in flight and always applied, and `fn` itself skips one older than what it shows.
   */
  on<K extends EventName>(name: K, fn: (data: EventMap[K]) => void, opts: { repeats?: boolean } = {}): void {
    events.on(name, (data, seq) => {
      const n = opts.repeats ? 0 : seq;
      if (this.inflight > 0) this.held.push({ seq: n, apply: () => fn(data) });
      else if (!this.includes(n)) fn(data);
    });
  }

  /**
   * Run `request` and hand its reply to `apply`, then the events held meanwhile that the reply does not include.
   * On failure the held events are applied to the state as it was, and the error is rethrown.
   */
  async load<T>(request: () => Promise<Stamped<T>>, apply: (data: T) => void): Promise<void> {
    this.inflight++;
    let reply: Stamped<T>;
    try {
      reply = await request();
    } catch (e) {
      this.landed(() => true);
      throw e;
    }
    apply(reply.data);
    this.stamp = reply.stamp;
    this.loaded = true;
    this.landed((seq) => !this.includes(seq));
    const hello = events.hello;
    if (hello && this.missed(hello) && this.stamp?.boot === hello.boot) this.reload();
  }

  private landed(keep: (seq: number) => boolean): void {
    this.inflight--;
    // Another request still in flight replays them again when it lands: applying an event twice is harmless
    // (upsert, remove), and the later reply replaces the state anyway.
    const held = this.inflight > 0 ? [...this.held] : this.held.splice(0);
    for (const h of held) if (keep(h.seq)) h.apply();
  }

  /** The shown reply already reflects event `seq` of the current connection. */
  private includes(seq: number): boolean {
    const s = this.stamp;
    return !!s && seq > 0 && s.boot === events.hello?.boot && seq <= s.seq;
  }

  /** Something the store follows was published after its reply and before this connection's first event. */
  private missed(hello: StreamHello): boolean {
    const s = this.stamp;
    if (!s || s.boot !== hello.boot) return true;
    return this.follows.some((name) => (hello.last[name] ?? 0) > s.seq);
  }
}

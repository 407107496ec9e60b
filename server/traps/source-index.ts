import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ResolvedDevice } from '../config/resolve.js';
import { silentLogger, type ProbeLogger } from '../../probes/types.js';

/** Resolves every address of a name (A and AAAA): a trap may come from either family. */
export type HostLookup = (host: string) => Promise<string[]>;

const systemLookup: HostLookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** An unknown sender may be a device whose DNS record changed: re-resolve, but not more than this often. */
const UNKNOWN_REFRESH_MS = 60_000;
/** DHCP reservations and DNS records change; names are re-resolved on this cadence anyway. */
const PERIODIC_REFRESH_MS = 10 * 60_000;

/** IPv6 literals are compared in one spelling; dgram reports IPv4 senders on a v6 socket as ::ffff:a.b.c.d. */
export function normaliseAddress(a: string): string {
  const plain = a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
  return isIP(plain) === 6 ? plain.toLowerCase() : plain;
}

/**
 * Trap sender address → configured device. Devices configured by IP match directly; devices configured by DNS
 * name (common: `fw1.client.local`) are matched through their resolved addresses, refreshed periodically and when
 * a trap arrives from an address nobody claims. Rebuilt on every config reload so added devices match at once.
 */
export class TrapSourceIndex {
  private devices: ResolvedDevice[] = [];
  private byName = new Map<string, ResolvedDevice>();
  private literal = new Map<string, ResolvedDevice>();
  private resolved = new Map<string, ResolvedDevice>();
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolve: HostLookup = systemLookup,
    private readonly log: ProbeLogger = silentLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Replace the inventory (start and reload); names are resolved in the background. */
  set(devices: ResolvedDevice[]): Promise<void> {
    this.devices = devices;
    this.byName = new Map(devices.map((d) => [d.name, d]));
    this.literal = new Map();
    for (const d of devices) if (isIP(d.host)) this.literal.set(normaliseAddress(d.host), d);
    this.resolved = new Map();
    return this.refresh(true);
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(true), PERIODIC_REFRESH_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The device a datagram from `address` belongs to; an unknown address schedules a (rate-limited) re-resolve. */
  get(address: string): ResolvedDevice | undefined {
    const a = normaliseAddress(address);
    const d = this.literal.get(a) ?? this.resolved.get(a);
    if (!d && this.now() - this.lastRefresh >= UNKNOWN_REFRESH_MS) void this.refresh(false);
    return d;
  }

  device(name: string): ResolvedDevice | undefined {
    return this.byName.get(name);
  }

  /** Resolve every configured name. One failing name (NXDOMAIN, no DNS on site) is logged and skipped. */
  refresh(force: boolean): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (!force && this.now() - this.lastRefresh < UNKNOWN_REFRESH_MS) return Promise.resolve();
    this.lastRefresh = this.now();
    const named = this.devices.filter((d) => !isIP(d.host));
    if (!named.length) return Promise.resolve();
    const devices = this.devices;
    this.refreshing = (async () => {
      const next = new Map<string, ResolvedDevice>();
      await Promise.all(
        named.map(async (d) => {
          try {
            for (const addr of await this.resolve(d.host)) {
              const a = normaliseAddress(addr);
              // Two devices sharing an address: the first configured keeps it, like the literal map.
              if (!next.has(a)) next.set(a, d);
            }
          } catch (err) {
            this.log.warn({ device: d.name, host: d.host, err: (err as Error).message }, 'trap source: cannot resolve device host name');
          }
        }),
      );
      // A reload during the lookups replaced the inventory: these answers belong to the old one.
      if (devices === this.devices) this.resolved = next;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }
}

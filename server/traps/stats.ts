/**
 * Why a datagram did not become an accepted trap. Each received datagram ends in exactly one outcome, so
 * `received = accepted + Σ dropped` and a tech can see at a glance whether a device is misconfigured
 * (bad-community, v3-auth), missing from the inventory (unknown-source) or somebody is throwing junk at us.
 */
export const DROP_REASONS = [
  /** Not SNMP, truncated, or BER that decodes to nonsense. */
  'malformed',
  /** v1/v2c community not in the accepted list. */
  'bad-community',
  /** v3 user not among the site's v3 credentials. */
  'unknown-user',
  /** v3 digest did not match, the PDU did not decrypt, or the message lacked the user's security level. */
  'v3-auth',
  /** Authenticated, but from an address no configured device has. */
  'unknown-source',
  /** A request PDU (get, set…) sent to the trap port. */
  'unsupported-pdu',
  /** Answered with a USM report instead (v3 engine discovery, or a reportable message from an unknown user). */
  'v3-report',
  /** A bug on our side while handling it (logged); never a crash. */
  'internal',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface TrapStats {
  listening: boolean;
  address: string;
  port: number;
  received: number;
  accepted: number;
  dropped: Record<DropReason, number>;
  /** ms since the epoch of the last accepted trap. */
  lastTrapAt?: number;
  /** Senders that authenticated but are not in the inventory: usually a device someone forgot to add. */
  unknownSources: Array<{ address: string; count: number; lastAt: number }>;
}

export function emptyDropped(): Record<DropReason, number> {
  return Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
}

/** A fixed-size ring: the newest `size` items, oldest first. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(private readonly size: number) {}

  push(item: T): void {
    if (this.items.length < this.size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }

  toArray(): T[] {
    if (this.items.length < this.size) return [...this.items];
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

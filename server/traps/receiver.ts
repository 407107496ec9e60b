import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import snmp from 'net-snmp';
import type { SnmpCredential } from '../../probes/snmp/credentials.js';
import { silentLogger, type DeviceClass, type ProbeLogger } from '../../probes/types.js';
import type { DeviceSample } from '../alerts/types.js';
import { trapCommunities, trapUsers, type TrapConfig } from './config.js';
import { decodeNotification, varbindText, TrapDecodeError, type RawNotification } from './decode.js';
import { mapTrap } from './map.js';
import { Ring, emptyDropped, type DropReason, type TrapStats } from './stats.js';

/** What the inventory knows about a sender. */
export interface TrapDevice {
  name: string;
  class: DeviceClass;
  parent?: string;
}

/** One accepted trap, decoded for the dashboard. Never carries the community. */
export interface RecentTrap {
  time: number;
  source: string;
  device: string;
  version: '1' | '2c' | '3';
  user?: string;
  trapOid: string;
  /** Human name when the trap is one Outpost maps ("linkDown", "APC upsOnBattery"). */
  name?: string;
  inform: boolean;
  varbinds: Array<{ oid: string; type: number; value: string }>;
}

export interface TrapReceiverOptions {
  config: TrapConfig;
  /** The site's `credentials:`: v1/v2c communities (unless config.communities says otherwise) and v3 users. */
  credentials?: Record<string, SnmpCredential>;
  /** Sender address → configured device; undefined drops the trap as `unknown-source`. */
  resolveDevice: (address: string) => TrapDevice | undefined;
  onSample: (sample: DeviceSample) => void;
  log?: ProbeLogger;
  /** Adds the `site` tag to points when set (the `device` tag is always set). */
  site?: string;
  /** The poller's ifName for (device, ifIndex), for link traps that carry only an ifIndex. */
  interfaceName?: (device: string, ifIndex: string) => string | undefined;
  now?: () => number;
}

const RECENT = 200;
const UNKNOWN_SOURCES = 50;
/** Distinct (reason, address) pairs logged at warn; past that only counters move, so a flood cannot fill the log. */
const WARN_ONCE_LIMIT = 1000;

// net-snmp's AuthProtocols keys are our names; its PrivProtocols call AES-128 plain "aes".
const privProtocol = (p: string): unknown => snmp.PrivProtocols[p === 'aes128' ? 'aes' : p];

/** net-snmp reports every refused packet through one error callback; its error names and messages say why. */
export function classifyError(err: { name?: string; message?: string }): DropReason {
  const msg = err.message ?? '';
  if (err.name === 'ProcessingError') return 'malformed';
  if (/Local community not found/.test(msg)) return 'bad-community';
  if (/Local user not found/.test(msg)) return 'unknown-user';
  if (err.name === 'ResponseInvalidError' || /requires (authentication|privacy)/.test(msg)) return 'v3-auth';
  if (err.name === 'RequestInvalidError') return 'unsupported-pdu';
  return 'malformed';
}

/** dgram on an IPv6 socket reports IPv4 senders as ::ffff:a.b.c.d; the inventory has a.b.c.d. */
function plainAddress(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * SNMP notification receiver (v1, v2c, v3 traps and informs).
 *
 * Built on net-snmp's Receiver rather than a hand-rolled dgram listener: it already does BER decoding, USM
 * (key localisation with the sender's engine ID, every auth/priv protocol the poller supports), inform
 * acknowledgement and v3 discovery reports, and we use the same library for polling. Two things are added
 * around it: each datagram is handled inside a guard (net-snmp is not written to survive arbitrary bytes on
 * every path, and one exception in a socket handler would take the whole appliance down), and each datagram is
 * given exactly one outcome so the counters add up. The socket is obtained through net-snmp's documented
 * `dgramModule` option so the guard can wrap the message handler.
 */
export class TrapReceiver {
  private readonly opts: TrapReceiverOptions;
  private readonly log: ProbeLogger;
  private readonly now: () => number;
  private receiver: { close(cb?: () => void): void; getAuthorizer(): { addCommunity(c: string): void; addUser(u: object): void } } | undefined;
  private socket: dgram.Socket | undefined;
  private users = new Set<string>();
  /** The datagram being handled; net-snmp calls back synchronously while it is set. */
  private current: { address: string; done: boolean } | undefined;
  private readonly counters = { received: 0, accepted: 0, dropped: emptyDropped(), lastTrapAt: undefined as number | undefined };
  private readonly recentTraps = new Ring<RecentTrap>(RECENT);
  private readonly unknown = new Map<string, { address: string; count: number; lastAt: number }>();
  private readonly warned = new Set<string>();

  constructor(opts: TrapReceiverOptions) {
    this.opts = opts;
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  /** Bind the UDP port. Rejects with a message that says what to do (port taken, privilege missing). */
  async start(): Promise<void> {
    if (this.receiver) return;
    const { config } = this.opts;
    if (!config.enabled) {
      this.log.info('SNMP trap receiver disabled (traps.enabled: false)');
      return;
    }
    const sockets: dgram.Socket[] = [];
    const dgramModule = {
      createSocket: (type: dgram.SocketType) => {
        const s = dgram.createSocket(type);
        sockets.push(s);
        return s;
      },
    };
    let receiver: NonNullable<TrapReceiver['receiver']>;
    try {
      receiver = snmp.createReceiver(
        {
          port: config.port,
          address: config.address,
          transport: isIPv6(config.address) ? 'udp6' : 'udp4',
          disableAuthorization: false,
          includeAuthentication: true,
          dgramModule,
        },
        (err: (Error & { rinfo?: unknown }) | null, data: RawNotification | null) => this.onNotification(err, data),
      );
    } catch (err) {
      for (const s of sockets) s.close();
      throw new Error(`SNMP trap receiver cannot listen on ${config.address}:${config.port}: ${(err as Error).message}`);
    }
    const socket = sockets[0];
    if (!socket) throw new Error('net-snmp created no socket for the trap receiver');
    this.configureAuthorizer(receiver);

    const handlers = socket.listeners('message') as Array<(msg: Buffer, rinfo: dgram.RemoteInfo) => void>;
    socket.removeAllListeners('message');
    socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.onDatagram(socket, handlers, msg, rinfo));

    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('listening', resolve);
        socket.once('error', reject);
      });
    } catch (err) {
      try {
        socket.close();
      } catch {
        // already closed by the failed bind
      }
      throw new Error(bindMessage(err as NodeJS.ErrnoException, config));
    }
    this.receiver = receiver;
    this.socket = socket;
    const a = socket.address();
    this.log.info({ address: a.address, port: a.port, communities: trapCommunities(config, this.opts.credentials).length, v3Users: this.users.size }, 'SNMP trap receiver listening');
  }

  async stop(): Promise<void> {
    const r = this.receiver;
    if (!r) return;
    this.receiver = undefined;
    this.socket = undefined;
    await new Promise<void>((resolve) => r.close(() => resolve()));
  }

  stats(): TrapStats {
    const a = this.socket?.address();
    const s: TrapStats = {
      listening: this.socket !== undefined,
      address: a?.address ?? this.opts.config.address,
      port: a?.port ?? this.opts.config.port,
      received: this.counters.received,
      accepted: this.counters.accepted,
      dropped: { ...this.counters.dropped },
      unknownSources: [...this.unknown.values()].map((u) => ({ ...u })),
    };
    if (this.counters.lastTrapAt !== undefined) s.lastTrapAt = this.counters.lastTrapAt;
    return s;
  }

  /** The last 200 accepted traps, newest first. */
  recent(): RecentTrap[] {
    return this.recentTraps.toArray().reverse();
  }

  private configureAuthorizer(receiver: NonNullable<TrapReceiver['receiver']>): void {
    const auth = receiver.getAuthorizer();
    for (const c of trapCommunities(this.opts.config, this.opts.credentials)) auth.addCommunity(c);
    for (const [name, c] of trapUsers(this.opts.credentials)) {
      const user: Record<string, unknown> = { name, level: snmp.SecurityLevel.noAuthNoPriv };
      if (c.auth) {
        user.level = snmp.SecurityLevel.authNoPriv;
        user.authProtocol = snmp.AuthProtocols[c.auth.protocol];
        user.authKey = c.auth.key;
        if (c.priv) {
          user.level = snmp.SecurityLevel.authPriv;
          user.privProtocol = privProtocol(c.priv.protocol);
          user.privKey = c.priv.key;
        }
      }
      auth.addUser(user);
      this.users.add(name);
    }
  }

  private onDatagram(socket: dgram.Socket, handlers: Array<(msg: Buffer, rinfo: dgram.RemoteInfo) => void>, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.counters.received++;
    const current = { address: plainAddress(rinfo.address), done: false };
    this.current = current;
    try {
      for (const h of handlers) h.call(socket, msg, rinfo);
    } catch (err) {
      if (!current.done) this.drop('malformed', current.address, err);
    } finally {
      // Nothing called back: net-snmp answered with a USM report (discovery or an unknown reportable user).
      if (!current.done) this.drop('v3-report', current.address);
      this.current = undefined;
    }
  }

  private onNotification(err: (Error & { rinfo?: unknown }) | null, data: RawNotification | null): void {
    const current = this.current;
    if (!current || current.done) {
      // Outside a datagram: a socket error (bind failures are reported by start()).
      if (err && this.receiver) this.log.warn({ err: err.message }, 'SNMP trap socket error');
      return;
    }
    if (err) {
      this.drop(classifyError(err), current.address, err);
      return;
    }
    try {
      this.accept(data!, current.address);
    } catch (e) {
      if (current.done) return;
      if (e instanceof TrapDecodeError) this.drop('malformed', current.address, e);
      else {
        this.log.error({ err: e, source: current.address }, 'SNMP trap handling failed');
        this.drop('internal', current.address);
      }
    }
  }

  private accept(data: RawNotification, source: string): void {
    const trap = decodeNotification(data);
    // net-snmp lets a v3 message with an empty user name and no auth through as "anonymous": not ours.
    if (trap.version === '3' && !this.users.has(data.pdu.user ?? '')) return this.drop('unknown-user', source);
    // The UDP source first; the address the agent claims only when a relay or NAT stands between.
    const device = this.opts.resolveDevice(source) ?? (trap.agentAddress ? this.opts.resolveDevice(trap.agentAddress) : undefined);
    if (!device) {
      this.noteUnknown(source);
      return this.drop('unknown-source', source);
    }
    const time = this.now();
    const mapped = mapTrap(trap, { interfaceName: (ifIndex) => this.opts.interfaceName?.(device.name, ifIndex) });
    this.current!.done = true;
    this.counters.accepted++;
    this.counters.lastTrapAt = time;
    const recent: RecentTrap = {
      time,
      source,
      device: device.name,
      version: trap.version,
      trapOid: trap.trapOid,
      inform: trap.inform,
      varbinds: trap.varbinds.map((vb) => ({ oid: vb.oid, type: vb.type, value: varbindText(vb) })),
    };
    if (data.pdu.user !== undefined) recent.user = data.pdu.user;
    if (mapped.name) recent.name = mapped.name;
    this.recentTraps.push(recent);
    this.log.debug({ device: device.name, trap: mapped.name ?? trap.trapOid, points: mapped.points.length }, 'SNMP trap accepted');
    if (mapped.points.length === 0) return;
    const tags: Record<string, string> = { device: device.name };
    if (this.opts.site) tags.site = this.opts.site;
    const sample: DeviceSample = {
      device: device.name,
      class: device.class,
      probe: 'trap',
      ok: true,
      points: mapped.points.map((p) => ({ ...p, tags: { ...tags, ...p.tags }, time })),
      time,
    };
    if (device.parent !== undefined) sample.parent = device.parent;
    try {
      this.opts.onSample(sample);
    } catch (e) {
      // The trap was accepted; a failing consumer is its own bug and must not be counted as a bad packet.
      this.log.error({ err: e, device: device.name }, 'trap sample consumer failed');
    }
  }

  private drop(reason: DropReason, source: string, err?: unknown): void {
    if (this.current) this.current.done = true;
    this.counters.dropped[reason]++;
    const detail = err instanceof Error ? err.message : undefined;
    // Misconfiguration is worth one warning per sender; junk and reports only ever move counters.
    const loud = reason === 'bad-community' || reason === 'unknown-user' || reason === 'v3-auth' || reason === 'unknown-source';
    const key = `${reason}|${source}`;
    if (loud && !this.warned.has(key) && this.warned.size < WARN_ONCE_LIMIT) {
      this.warned.add(key);
      this.log.warn({ source, reason }, `SNMP trap dropped (${reason}); further ones from this sender are only counted`);
    } else this.log.debug({ source, reason, detail }, 'SNMP trap dropped');
  }

  private noteUnknown(address: string): void {
    const now = this.now();
    const u = this.unknown.get(address);
    if (u) {
      u.count++;
      u.lastAt = now;
      // Map order is insertion order: re-insert so the oldest sender is the one evicted.
      this.unknown.delete(address);
      this.unknown.set(address, u);
      return;
    }
    if (this.unknown.size >= UNKNOWN_SOURCES) this.unknown.delete(this.unknown.keys().next().value!);
    this.unknown.set(address, { address, count: 1, lastAt: now });
  }
}

function bindMessage(err: NodeJS.ErrnoException, config: TrapConfig): string {
  const where = `${config.address}:${config.port}/udp`;
  if (err.code === 'EACCES') return `SNMP trap receiver cannot bind ${where}: ports below 1024 need root or CAP_NET_BIND_SERVICE (or set traps.port above 1024)`;
  if (err.code === 'EADDRINUSE') return `SNMP trap receiver cannot bind ${where}: the port is in use (snmptrapd running?)`;
  if (err.code === 'EADDRNOTAVAIL') return `SNMP trap receiver cannot bind ${where}: no interface has that address`;
  return `SNMP trap receiver cannot bind ${where}: ${err.message}`;
}

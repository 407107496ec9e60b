/**
 * A replaying front for snmpsim in the scale bench.  node scale-replay.js '<json ReplayArgs>'
 *
 * snmpsim (Python) spends ≈100 ms of CPU per Outpost poll (measured: 60–140 ms per recording), so 1000 devices a
 * minute would need ≈1.7 cores of simulator alone on a 2-core machine, and the case would measure snmpsim's
 * queue, not Outpost. The recordings are static (no variation modules), so snmpsim answers a given request with
 * the same bytes every time: this process forwards a request it has not seen to snmpsim once, keeps the answer
 * and replays it, with the caller's request-id, to every later identical request (same community, PDU type and
 * PDU body). Outpost receives exactly the bytes snmpsim would send, at a few µs each.
 * Prints "ready" when listening; on SIGTERM prints one JSON line of ReplayStats and exits.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { UdpDropSampler } from './scale-udp.js';

export interface ReplayArgs {
  /** Each front port forwards its misses to one snmpsimd port. */
  routes: Array<{ port: number; upstream: number }>;
}

export interface ReplayStats {
  requests: number;
  hits: number;
  misses: number;
  /** Requests that could not be parsed as SNMPv1/v2c and were forwarded as they are. */
  unparsed: number;
  /** Datagrams the kernel dropped at this process's sockets (receive buffer full), sampled every 2 s. */
  udpDrops: number;
  /** Requests that matched a miss already on its way to snmpsim and were answered with its reply. */
  coalesced: number;
  /** Misses forwarded to snmpsim and answered, and the slowest such round trip (ms). */
  upstreamAnswered: number;
  upstreamMaxMs: number;
}

interface Tlv {
  /** Offset of the tag byte, of the content, and the end of the content. */
  start: number;
  content: number;
  end: number;
}

/** One BER TLV at `at` (definite lengths only, as SNMP uses). */
function tlv(b: Buffer, at: number): Tlv {
  if (at + 2 > b.length) throw new Error('short');
  const first = b[at + 1]!;
  let len = first;
  let content = at + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[content + i]!;
    content += n;
  }
  if (content + len > b.length) throw new Error('short');
  return { start: at, content, end: content + len };
}

function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** message = SEQUENCE { version, community, PDU { request-id, … } }: the parts a replay needs. */
interface Parsed {
  /** version + community TLVs, as sent. */
  head: Buffer;
  pduTag: number;
  requestId: Buffer;
  /** The PDU after the request-id (error fields and varbinds, or non-repeaters/max-repetitions and varbinds). */
  rest: Buffer;
}

function parse(b: Buffer): Parsed {
  const msg = tlv(b, 0);
  if (b[0] !== 0x30) throw new Error('not a sequence');
  const version = tlv(b, msg.content);
  const community = tlv(b, version.end);
  const pdu = tlv(b, community.end);
  const reqId = tlv(b, pdu.content);
  return {
    head: b.subarray(version.start, community.end),
    pduTag: b[pdu.start]!,
    requestId: b.subarray(reqId.start, reqId.end),
    rest: b.subarray(reqId.end, pdu.end),
  };
}

function build(head: Buffer, pduTag: number, requestId: Buffer, rest: Buffer): Buffer {
  const pduBody = requestId.length + rest.length;
  const pdu = Buffer.concat([Buffer.from([pduTag]), berLength(pduBody), requestId, rest]);
  return Buffer.concat([Buffer.from([0x30]), berLength(head.length + pdu.length), head, pdu]);
}

const args = JSON.parse(process.argv[2] ?? '{}') as ReplayArgs;
if (!args.routes?.length) {
  console.error('usage: scale-replay \'{"routes":[{"port":N,"upstream":M}]}\'');
  process.exit(2);
}

const stats: ReplayStats = { requests: 0, hits: 0, misses: 0, unparsed: 0, udpDrops: 0, coalesced: 0, upstreamAnswered: 0, upstreamMaxMs: 0 };
/** Answer (version+community head, PDU tag, PDU after request-id) by request key. Shared by every port. */
const cache = new Map<string, { head: Buffer; pduTag: number; rest: Buffer }>();
const sockets: Socket[] = [];
/**
 * Callers waiting for a miss already forwarded (by request key): at start-up hundreds of devices send the same
 * first request within a second, and forwarding each would queue them all in snmpsim (and overflow its socket).
 */
const inflight = new Map<string, { sent: number; waiters: Array<{ to: RemoteInfo; front: Socket; requestId: Buffer }> }>();

function serve(port: number, upstreamPort: number): Promise<void> {
  const front = createSocket('udp4');
  const up = createSocket('udp4');
  sockets.push(front, up);
  // Misses in flight: by community + request-id (Outpost's request-ids are random per request).
  const pending = new Map<string, { to: RemoteInfo; key: string | null; sent: number }>();
  up.on('message', (msg) => {
    try {
      const p = parse(msg);
      const id = `${p.head.toString('latin1')}\u0000${p.requestId.toString('latin1')}`;
      const wait = pending.get(id);
      if (!wait) return;
      pending.delete(id);
      stats.upstreamAnswered++;
      stats.upstreamMaxMs = Math.max(stats.upstreamMaxMs, Date.now() - wait.sent);
      front.send(msg, wait.to.port, wait.to.address);
      if (wait.key) {
        const answer = { head: Buffer.from(p.head), pduTag: p.pduTag, rest: Buffer.from(p.rest) };
        cache.set(wait.key, answer);
        for (const w of inflight.get(wait.key)?.waiters ?? []) w.front.send(build(answer.head, answer.pduTag, w.requestId, answer.rest), w.to.port, w.to.address);
        inflight.delete(wait.key);
      }
    } catch {
      // A reply that does not parse has no caller to go to.
    }
  });
  front.on('message', (msg, rinfo) => {
    stats.requests++;
    let p: Parsed;
    try {
      p = parse(msg);
    } catch {
      stats.unparsed++;
      return;
    }
    const key = `${p.head.toString('latin1')}\u0000${p.pduTag}\u0000${p.rest.toString('latin1')}`;
    const hit = cache.get(key);
    if (hit) {
      stats.hits++;
      front.send(build(hit.head, hit.pduTag, p.requestId, hit.rest), rinfo.port, rinfo.address);
      return;
    }
    const waiting = inflight.get(key);
    if (waiting && Date.now() - waiting.sent < 2000) {
      // The same request is on its way to snmpsim: answer this caller with its reply. After 2 s without a reply
      // (lost upstream) the next such request is forwarded again, and its reply answers everyone waiting.
      stats.coalesced++;
      waiting.waiters.push({ to: rinfo, front, requestId: Buffer.from(p.requestId) });
      return;
    }
    if (waiting) waiting.sent = Date.now();
    else inflight.set(key, { sent: Date.now(), waiters: [] });
    stats.misses++;
    pending.set(`${p.head.toString('latin1')}\u0000${p.requestId.toString('latin1')}`, { to: rinfo, key, sent: Date.now() });
    up.send(msg, upstreamPort, '127.0.0.1');
  });
  return new Promise((resolve, reject) => {
    front.once('error', reject);
    front.bind(port, '127.0.0.1', () => up.bind(0, '127.0.0.1', () => resolve()));
  });
}

await Promise.all(args.routes.map((r) => serve(r.port, r.upstream)));
const drops = new UdpDropSampler('self');
process.on('SIGTERM', () => {
  stats.udpDrops = drops.stop();
  for (const s of sockets) s.close();
  process.stdout.write(`${JSON.stringify(stats)}\n`, () => process.exit(0));
});
console.log('ready');

import t from 'tap';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import snmp from 'net-snmp';
import { startReceiver, eventually, CREDENTIALS, V3 } from '../server/traps/harness.js';

/**
 * Junk at the trap port (ports 19420-19429): random bytes, every truncation of real trap messages, bit flips,
 * and well-formed BER wrapped around garbage. The receiver must count it as malformed (or as the auth failure
 * a flipped byte turns it into), never throw out of a socket handler, and still accept a real trap afterwards.
 * Bounded: a few thousand datagrams, sent in small bursts so loopback buffers are not the thing under test.
 */
const SINK = 19421;
const PORT = 19420;

/** Real messages as net-snmp's own session encodes them, captured on a loopback socket. */
async function capture(): Promise<Buffer[]> {
  const sink = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  sink.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sink.bind(SINK, '127.0.0.1', () => r()));
  const vbs = [
    { oid: '1.3.6.1.2.1.2.2.1.1.7', type: snmp.ObjectType.Integer, value: 7 },
    { oid: '1.3.6.1.2.1.31.1.1.1.1.7', type: snmp.ObjectType.OctetString, value: 'Gi1/0/7' },
    { oid: '1.3.6.1.2.1.31.1.1.1.6.7', type: snmp.ObjectType.Counter64, value: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) },
  ];
  const v2 = snmp.createSession('127.0.0.1', 'lan-secret', { trapPort: SINK, version: snmp.Version2c });
  const v1 = snmp.createSession('127.0.0.1', 'v1-secret', { trapPort: SINK, version: snmp.Version1 });
  const v3 = snmp.createV3Session(
    '127.0.0.1',
    { name: V3.user, level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha, authKey: V3.auth, privProtocol: snmp.PrivProtocols.aes, privKey: V3.priv },
    { trapPort: SINK, version: snmp.Version3 },
  );
  const sent = (s: { trap: (...a: unknown[]) => void }, oid: unknown) => new Promise<void>((r) => s.trap(oid, vbs, () => r()));
  await sent(v2, '1.3.6.1.6.3.1.1.5.3');
  await sent(v1, snmp.TrapType.LinkDown);
  await sent(v3, '1.3.6.1.4.1.318.0.5');
  await eventually(() => got.length >= 3, 3000);
  for (const s of [v1, v2, v3]) s.close();
  sink.close();
  return got;
}

/** A BER SEQUENCE (long-form length when needed) around `body`. */
function seq(body: Buffer, tag = 0x30): Buffer {
  const n = body.length;
  const len = n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

function junk(valid: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 1000; i++) out.push(randomBytes(Math.floor(Math.random() * 600)));
  for (const v of valid) for (let n = 0; n < v.length; n++) out.push(v.subarray(0, n));
  for (const v of valid) {
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(v);
      const flips = 1 + Math.floor(Math.random() * 4);
      for (let f = 0; f < flips; f++) b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
      out.push(b);
    }
  }
  const version = Buffer.from([0x02, 0x01, 0x01]);
  const community = seq(Buffer.from('lan-secret'), 0x04);
  for (let i = 0; i < 400; i++) {
    const garbage = randomBytes(1 + Math.floor(Math.random() * 200));
    // Valid message framing, v2c, right community, a TrapV2 PDU tag around random bytes.
    out.push(seq(Buffer.concat([version, community, seq(garbage, 0xa7)])));
    // …and a well-formed PDU header whose varbind list is random.
    const header = Buffer.from([0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]);
    out.push(seq(Buffer.concat([version, community, seq(Buffer.concat([header, seq(garbage)]), 0xa7)])));
    // Lengths that lie: outer length far larger than the datagram.
    out.push(Buffer.concat([Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]), garbage]));
  }
  return out;
}

t.test('thousands of malformed datagrams are counted and the receiver keeps working', async (t) => {
  const valid = await capture();
  t.equal(valid.length, 3, 'captured real v1, v2c and v3 traps');
  const h = await startReceiver(t, PORT, { credentials: CREDENTIALS });
  const packets = junk(valid);
  t.ok(packets.length > 2500, `${packets.length} datagrams`);

  const sender = dgram.createSocket('udp4');
  t.teardown(() => sender.close());
  const started = Date.now();
  for (let i = 0; i < packets.length; i += 20) {
    await Promise.all(packets.slice(i, i + 20).map((p) => new Promise<void>((r) => sender.send(p, PORT, '127.0.0.1', () => r()))));
    // Let the receiver drain between bursts; the point is parsing, not loopback buffer sizes.
    await new Promise((r) => setTimeout(r, 2));
    if (Date.now() - started > 60_000) break;
  }
  const settled = await eventually(() => h.receiver.stats().received >= packets.length * 0.9, 10_000);
  t.ok(settled, `received ${h.receiver.stats().received} of ${packets.length}`);

  const st = h.receiver.stats();
  const dropped = Object.values(st.dropped).reduce((a, b) => a + b, 0);
  t.equal(st.accepted + dropped, st.received, 'every datagram has exactly one outcome');
  t.ok(st.dropped.malformed > packets.length / 2, `malformed counted (${st.dropped.malformed})`);
  t.equal(st.dropped.internal, 0, 'no handler bug was hit');
  t.ok(st.listening);

  // Still alive: a real trap from snmptrap afterwards is received and mapped.
  const next = h.nextSample();
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${PORT}`, '', '1.3.6.1.2.1.33.2.1']);
  const s = await next;
  t.same(s.points[0]!.fields, { on_battery: true, status: 'on_battery' });
});

t.test('a v3 trap with an empty user and no authentication is not accepted as anonymous', async (t) => {
  const h = await startReceiver(t, 19422);
  const session = snmp.createV3Session('127.0.0.1', { name: '', level: snmp.SecurityLevel.noAuthNoPriv }, { trapPort: 19422, version: snmp.Version3 });
  await new Promise<void>((r) => session.trap('1.3.6.1.4.1.318.0.5', [], () => r()));
  session.close();
  t.ok(await eventually(() => h.receiver.stats().received === 1));
  t.equal(h.receiver.stats().dropped['unknown-user'], 1);
  t.equal(h.receiver.stats().accepted, 0);
  t.same(h.samples, []);
});

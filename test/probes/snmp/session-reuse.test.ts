import t from 'tap';
import { ensureSnmpsim } from '../../helpers/snmpsim.js';
import { collectSnmp, closeSession, type SessionSlot, type SnmpTarget } from '../../../probes/snmp/index.js';
import { CounterState } from '../../../probes/snmp/counters.js';
import { silentLogger } from '../../../probes/types.js';
import type { SnmpCredential } from '../../../probes/snmp/credentials.js';

const port = ensureSnmpsim();
const v2 = (community: string): SnmpTarget => ({ host: '127.0.0.1', port, credential: { version: '2c', community } });
const v3: SnmpCredential = {
  version: '3',
  user: 'outpost-sha-aes',
  auth: { protocol: 'sha', key: 'outpost-auth-key' },
  priv: { protocol: 'aes', key: 'outpost-priv-key' },
  context: 'apc_smx750i',
};

async function poll(target: SnmpTarget, session: SessionSlot, counters = new CounterState(), signal?: AbortSignal) {
  return collectSnmp(target, { log: silentLogger, now: Date.now(), timeoutMs: 2000, retries: 1, counters, session, signal });
}

t.test('a device keeps one session across polls, and a settings change opens a new one', async (t) => {
  const slot: SessionSlot = {};
  const counters = new CounterState();
  const r1 = await poll(v2('apc_smx750i'), slot, counters);
  t.equal(r1.ok, true, String(r1.message));
  const first = slot.client;
  t.ok(first, 'session kept after a successful poll');
  const r2 = await poll(v2('apc_smx750i'), slot, counters);
  t.equal(r2.ok, true, String(r2.message));
  t.equal(slot.client, first, 'second poll reused the same session object');
  t.equal(r2.device?.sysName, r1.device?.sysName);

  // Config reload: another community (credential) on the same host.
  const r3 = await poll(v2('edgeswitch_usw-flex-xg'), slot, new CounterState());
  t.equal(r3.ok, true, String(r3.message));
  t.not(slot.client, first, 'credential change opened a new session');
  t.equal(first!.reusable, false, 'the old session was closed');
  t.equal(r3.device?.class, 'switch');

  const last = slot.client!;
  closeSession(slot);
  t.equal(slot.client, undefined);
  t.equal(last.reusable, false, 'closeSession closed it');
});

t.test('a failed poll drops the session; the next poll opens a fresh one', async (t) => {
  const slot: SessionSlot = {};
  // A community snmpsim does not serve: no answer, a timeout.
  const bad = await collectSnmp(v2('no-such-recording'), { log: silentLogger, now: Date.now(), timeoutMs: 300, retries: 0, session: slot });
  t.equal(bad.ok, false);
  t.equal(bad.error, 'timeout');
  t.equal(slot.client, undefined, 'failed session not kept');
  const good = await poll(v2('apc_smx750i'), slot);
  t.equal(good.ok, true, String(good.message));
  t.ok(slot.client?.reusable);
  closeSession(slot);
});

t.test('an aborted poll closes the kept session instead of leaving requests on it', async (t) => {
  const slot: SessionSlot = {};
  t.equal((await poll(v2('asa'), slot)).ok, true);
  const kept = slot.client!;
  const ac = new AbortController();
  const p = poll(v2('asa'), slot, new CounterState(), ac.signal);
  ac.abort();
  const r = await p;
  t.equal(r.ok, false);
  t.equal(kept.reusable, false);
  t.equal(slot.client, undefined);
});

t.test('SNMPv3 (SHA/AES authPriv) keeps polling over a reused session', async (t) => {
  const slot: SessionSlot = {};
  const target: SnmpTarget = { host: '127.0.0.1', port, credential: v3 };
  const counters = new CounterState();
  const r1 = await poll(target, slot, counters);
  t.equal(r1.ok, true, String(r1.message));
  const first = slot.client;
  for (let i = 0; i < 3; i++) {
    const r = await poll(target, slot, counters);
    t.equal(r.ok, true, String(r.message));
    t.equal(r.device?.class, 'ups');
    t.ok(r.points.length > 0);
  }
  t.equal(slot.client, first, 'engine discovery and keys kept: same session throughout');
  // Wrong key on reload: a new session, reported as auth failure, not kept.
  const wrong: SnmpTarget = { ...target, credential: { ...v3, auth: { protocol: 'sha', key: 'wrong-key-zzz' } } as SnmpCredential };
  const bad = await collectSnmp(wrong, { log: silentLogger, now: Date.now(), timeoutMs: 1000, retries: 0, session: slot });
  t.equal(bad.ok, false);
  t.equal(first!.reusable, false, 'old session closed on credential change');
  t.equal(slot.client, undefined);
  closeSession(slot);
});

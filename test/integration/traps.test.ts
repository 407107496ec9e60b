import t from 'tap';
import { startReceiver, eventually, V3 } from '../server/traps/harness.js';

/**
 * The trap receiver against Debian's `snmptrap` over real UDP on loopback (ports 19400-19419). Each subtest
 * owns a receiver on its own port so counters start at zero.
 */
const UPS_ON_BATTERY = '1.3.6.1.2.1.33.2.1';

t.test('a v2c RFC 1628 upsTrapOnBattery becomes an ups sample with runtime and time on battery', async (t) => {
  const h = await startReceiver(t, 19400);
  const next = h.nextSample();
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '', UPS_ON_BATTERY, '1.3.6.1.2.1.33.1.2.3.0', 'i', '14', '1.3.6.1.2.1.33.1.2.2.0', 'i', '37']);
  const s = await next;
  t.match(s, { device: 'ups1', class: 'ups', parent: 'core-sw', probe: 'trap', ok: true });
  t.equal(s.points.length, 1);
  t.same(s.points[0], {
    measurement: 'ups',
    tags: { device: 'ups1', site: 'test-site' },
    fields: { on_battery: true, status: 'on_battery', runtime_s: 840, seconds_on_battery: 37 },
    time: s.time,
  });
  const st = h.receiver.stats();
  t.match(st, { listening: true, address: '127.0.0.1', port: h.port, received: 1, accepted: 1 });
  t.ok(st.lastTrapAt && Math.abs(st.lastTrapAt - Date.now()) < 5000, 'last trap time set');
  const [recent] = h.receiver.recent();
  t.match(recent, { source: '127.0.0.1', device: 'ups1', version: '2c', trapOid: UPS_ON_BATTERY, name: 'UPS-MIB upsTrapOnBattery' });
  t.same(
    recent!.varbinds.map((v) => [v.oid, v.value]),
    [
      ['1.3.6.1.2.1.33.1.2.3.0', '14'],
      ['1.3.6.1.2.1.33.1.2.2.0', '37'],
    ],
  );
  t.notOk(JSON.stringify(recent).includes('lan-secret'), 'the community never reaches the dashboard list');
});

t.test('RFC 1628 alarm entry removed for upsAlarmOnBattery reports power restored', async (t) => {
  const h = await startReceiver(t, 19401);
  const next = h.nextSample();
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '', '1.3.6.1.2.1.33.2.4', '1.3.6.1.2.1.33.1.6.2.1.1.3', 'i', '3', '1.3.6.1.2.1.33.1.6.2.1.2.3', 'o', '1.3.6.1.2.1.33.1.6.3.2']);
  const s = await next;
  t.same(s.points[0]!.fields, { on_battery: false, status: 'online' });
});

t.test('APC upsOnBattery as a v1 trap (enterprise 318, specific 5) and powerRestored (specific 9)', async (t) => {
  const h = await startReceiver(t, 19402);
  let next = h.nextSample();
  await h.snmptrap(['-v', '1', '-c', 'v1-secret', `127.0.0.1:${h.port}`, '1.3.6.1.4.1.318', '127.0.0.1', '6', '5', '', '1.3.6.1.4.1.318.2.3.3.0', 's', 'UPS: On battery power in response to an input power problem.']);
  let s = await next;
  t.match(s, { device: 'ups1', probe: 'trap' });
  t.same(s.points[0]!.fields, { on_battery: true, status: 'on_battery' });
  t.match(h.receiver.recent()[0], { version: '1', trapOid: '1.3.6.1.4.1.318.0.5', name: 'APC upsOnBattery' });
  t.match(h.receiver.recent()[0]!.varbinds[0]!.value, /On battery power/);

  next = h.nextSample();
  await h.snmptrap(['-v', '1', '-c', 'v1-secret', `127.0.0.1:${h.port}`, '1.3.6.1.4.1.318', '127.0.0.1', '6', '9', '']);
  s = await next;
  t.same(s.points[0]!.fields, { on_battery: false, status: 'online' });
});

t.test('linkDown (v2c) carries ifIndex, ifAdminStatus and ifOperStatus onto an interface point', async (t) => {
  const h = await startReceiver(t, 19403, { resolveDevice: () => ({ name: 'core-sw', class: 'switch' }) });
  const next = h.nextSample();
  await h.snmptrap([
    '-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '', '1.3.6.1.6.3.1.1.5.3',
    '1.3.6.1.2.1.2.2.1.1.7', 'i', '7',
    '1.3.6.1.2.1.2.2.1.7.7', 'i', '1',
    '1.3.6.1.2.1.2.2.1.8.7', 'i', '2',
    '1.3.6.1.2.1.31.1.1.1.1.7', 's', 'Gi1/0/7',
  ]);
  const s = await next;
  t.match(s, { device: 'core-sw', class: 'switch', probe: 'trap' });
  t.notOk('parent' in s, 'no parent when the device has none');
  t.same(s.points[0]!.tags, { device: 'core-sw', site: 'test-site', ifIndex: '7', ifName: 'Gi1/0/7' });
  t.same(s.points[0]!.fields, { oper_up: false, admin_up: true });
});

t.test('linkUp as a v1 generic trap 3 with only ifIndex', async (t) => {
  const h = await startReceiver(t, 19404);
  const next = h.nextSample();
  await h.snmptrap(['-v', '1', '-c', 'v1-secret', `127.0.0.1:${h.port}`, '1.3.6.1.4.1.9', '127.0.0.1', '3', '0', '', '1.3.6.1.2.1.2.2.1.1.12', 'i', '12']);
  const s = await next;
  t.same(s.points[0], { measurement: 'interface', tags: { device: 'ups1', site: 'test-site', ifIndex: '12' }, fields: { oper_up: true }, time: s.time });
});

t.test('coldStart says the device restarted, with its uptime from the trap', async (t) => {
  const h = await startReceiver(t, 19405);
  const next = h.nextSample();
  // Uptime is in hundredths of a second: 4200 = 42 s after boot.
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '4200', '1.3.6.1.6.3.1.1.5.1']);
  const s = await next;
  t.same(s.points[0], { measurement: 'system', tags: { device: 'ups1', site: 'test-site' }, fields: { uptime_s: 42 }, time: s.time });
  t.match(h.receiver.recent()[0], { name: 'coldStart' });
});

t.test('an SNMPv3 authPriv trap (SHA/AES) from a site credential is accepted', async (t) => {
  const h = await startReceiver(t, 19406);
  const next = h.nextSample();
  await h.snmptrap(['-v', '3', '-u', V3.user, '-l', 'authPriv', '-a', 'SHA', '-A', V3.auth, '-x', 'AES', '-X', V3.priv, '-e', V3.engineId, `127.0.0.1:${h.port}`, '', '1.3.6.1.4.1.318.0.5']);
  const s = await next;
  t.same(s.points[0]!.fields, { on_battery: true, status: 'on_battery' });
  t.match(h.receiver.recent()[0], { version: '3', user: V3.user, name: 'APC upsOnBattery' });
});

t.test('traps that fail authentication are counted per reason and never become samples', async (t) => {
  const h = await startReceiver(t, 19407);
  const dest = `127.0.0.1:${h.port}`;
  await h.snmptrap(['-v', '2c', '-c', 'wrong', dest, '', UPS_ON_BATTERY]);
  await h.snmptrap(['-v', '1', '-c', 'wrong', dest, '1.3.6.1.4.1.318', '127.0.0.1', '6', '5', '']);
  // Right user, wrong auth key / wrong priv key / wrong level / unknown user.
  await h.snmptrap(['-v', '3', '-u', V3.user, '-l', 'authPriv', '-a', 'SHA', '-A', 'not-the-key-1', '-x', 'AES', '-X', V3.priv, '-e', V3.engineId, dest, '', UPS_ON_BATTERY]);
  await h.snmptrap(['-v', '3', '-u', V3.user, '-l', 'authPriv', '-a', 'SHA', '-A', V3.auth, '-x', 'AES', '-X', 'not-the-key-2', '-e', V3.engineId, dest, '', UPS_ON_BATTERY]);
  await h.snmptrap(['-v', '3', '-u', V3.user, '-l', 'authNoPriv', '-a', 'SHA', '-A', V3.auth, '-e', V3.engineId, dest, '', UPS_ON_BATTERY]);
  await h.snmptrap(['-v', '3', '-u', 'stranger', '-l', 'authPriv', '-a', 'SHA', '-A', V3.auth, '-x', 'AES', '-X', V3.priv, '-e', V3.engineId, dest, '', UPS_ON_BATTERY]);
  t.ok(await eventually(() => h.receiver.stats().received === 6), 'all six datagrams arrived');
  const st = h.receiver.stats();
  t.match(st.dropped, { 'bad-community': 2, 'v3-auth': 3, 'unknown-user': 1, 'unknown-source': 0, malformed: 0 });
  t.equal(st.accepted, 0);
  t.equal(st.lastTrapAt, undefined);
  t.same(h.samples, []);
  t.same(h.receiver.recent(), []);
});

t.test('a trap from an address that is no configured device is counted as unknown-source', async (t) => {
  const h = await startReceiver(t, 19408, { resolveDevice: () => undefined });
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '', UPS_ON_BATTERY]);
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '', UPS_ON_BATTERY]);
  t.ok(await eventually(() => h.receiver.stats().received === 2));
  const st = h.receiver.stats();
  t.equal(st.dropped['unknown-source'], 2);
  t.equal(st.accepted, 0);
  t.match(st.unknownSources, [{ address: '127.0.0.1', count: 2 }]);
  t.same(h.samples, []);
});

t.test('explicit communities replace the credentials\' ones', async (t) => {
  const h = await startReceiver(t, 19409, { config: { communities: ['only-this'] } });
  await h.snmptrap(['-v', '2c', '-c', 'lan-secret', `127.0.0.1:${h.port}`, '', UPS_ON_BATTERY]);
  t.ok(await eventually(() => h.receiver.stats().dropped['bad-community'] === 1), 'credential community refused');
  const next = h.nextSample();
  await h.snmptrap(['-v', '2c', '-c', 'only-this', `127.0.0.1:${h.port}`, '', UPS_ON_BATTERY]);
  t.match(await next, { device: 'ups1' });
});

t.test('start() rejects with a clear message when the port is taken, and a disabled receiver binds nothing', async (t) => {
  const h = await startReceiver(t, 19410);
  t.ok(h.receiver.stats().listening);
  await t.rejects(startReceiver(t, 19410), /19410\/udp: the port is in use/);
  const off = await startReceiver(t, 19411, { config: { enabled: false } });
  t.equal(off.receiver.stats().listening, false);
  // The port is free: a second, enabled receiver can take it.
  const on = await startReceiver(t, 19411);
  t.ok(on.receiver.stats().listening);
  await on.receiver.stop();
  t.equal(on.receiver.stats().listening, false);
});

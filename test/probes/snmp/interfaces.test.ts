import t from 'tap';
import { readInterfaces, interfacePoints } from '../../../probes/snmp/interfaces.js';
import { CounterState } from '../../../probes/snmp/counters.js';
import { RecordingClient } from '../../../probes/snmp/recording.js';
import { recordingClient } from '../../helpers/fixtures.js';
import type { Varbind } from '../../../probes/snmp/varbind.js';

t.test('readInterfaces() joins ifTable and ifXTable rows by ifIndex (fortigate_60f)', async (t) => {
  const rows = await readInterfaces(recordingClient('fortigate_60f'));
  t.equal(rows.length, 17);
  const pts = interfacePoints(rows, { counters: new CounterState(), now: 0, maxGapMs: 150_000 });
  const wan1 = pts.find((p) => p.tags.ifName === 'wan1');
  t.ok(wan1, 'ports are named from ifName when ifDescr is empty');
  t.equal(wan1!.fields.oper_up, false);
  t.equal(wan1!.fields.speed_bps, 1_000_000_000);
  t.type(wan1!.fields.in_octets, 'number');
  t.notOk('in_bps' in wan1!.fields, 'no rate on the first poll');
});

t.test('devices without IF-MIB rows give no interface points and no error', async (t) => {
  const rows = await readInterfaces(recordingClient('netgear'));
  t.same(rows, []);
});

function bump(vbs: Varbind[], oidPrefix: string, by: bigint): Varbind[] {
  return vbs.map((v) => (v.oid.startsWith(oidPrefix) && (typeof v.value === 'number' || typeof v.value === 'bigint') ? { ...v, value: typeof v.value === 'bigint' ? v.value + by : v.value + Number(by) } : v));
}

t.test('rates use the 64-bit HC counters when the agent has them', async (t) => {
  const first = recordingClient('fortigate_60f');
  const vbs = await first.walk('1.3');
  const counters = new CounterState();
  interfacePoints(await readInterfaces(new RecordingClient(vbs)), { counters, now: 0, maxGapMs: 150_000 });
  // +75 MB on ifHCInOctets in 60 s = 10 Mb/s; the 32-bit ifInOctets is bumped differently and must be ignored.
  let next = bump(vbs, '1.3.6.1.2.1.31.1.1.1.6.', 75_000_000n);
  next = bump(next, '1.3.6.1.2.1.2.2.1.10.', 1n);
  const pts = interfacePoints(await readInterfaces(new RecordingClient(next)), { counters, now: 60_000, maxGapMs: 150_000 });
  const up = pts.find((p) => p.tags.ifName === 'internal1')!;
  t.equal(up.fields.in_bps, 10_000_000);
  t.equal(up.fields.util_in_pct, 1);
});

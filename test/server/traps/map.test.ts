import t from 'tap';
import { decodeNotification, mapTrap, classifyError, type Trap } from '../../../server/traps/index.js';

/** Pure decoding and mapping: net-snmp-shaped notifications in, measurement points out. */
const v1 = (enterprise: string, generic: number, specific: number, varbinds: Array<{ oid: string; type: number; value: unknown }> = []) =>
  decodeNotification({ pdu: { type: 164, enterprise, agentAddr: '10.0.0.9', generic, specific, upTime: 12345, varbinds }, rinfo: { address: '10.0.0.9', port: 1 } });
const v2 = (trapOid: string, varbinds: Array<{ oid: string; type: number; value: unknown }> = [], user?: string) =>
  decodeNotification({
    pdu: {
      type: 167,
      varbinds: [{ oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 500 }, { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: trapOid }, ...varbinds],
      ...(user !== undefined ? { user } : {}),
    },
    rinfo: { address: '10.0.0.9', port: 1 },
  });

t.test('v1 traps take their RFC 3584 v2 form', async (t) => {
  t.match(v1('1.3.6.1.4.1.318', 6, 5), { version: '1', trapOid: '1.3.6.1.4.1.318.0.5', uptime: 12345, agentAddress: '10.0.0.9' });
  t.match(v1('1.3.6.1.4.1.9', 2, 0), { trapOid: '1.3.6.1.6.3.1.1.5.3' });
  t.match(v1('1.3.6.1.4.1.9', 0, 0), { trapOid: '1.3.6.1.6.3.1.1.5.1' });
  t.throws(() => v1('1.3.6.1.4.1.9', 9, 0), /generic-trap 9/);
  t.match(v2('1.3.6.1.4.1.318.0.9'), { version: '2c', trapOid: '1.3.6.1.4.1.318.0.9', uptime: 500, varbinds: [] });
  t.match(v2('1.3.6.1.4.1.318.0.9', [], 'u'), { version: '3' });
  t.throws(() => decodeNotification({ pdu: { type: 167, varbinds: [] }, rinfo: { address: 'x', port: 1 } }), /without snmpTrapOID/);
});

const table: Array<{ name: string; trap: Trap; want: unknown }> = [
  { name: 'CyberPower v1 upsOnBattery', trap: v1('1.3.6.1.4.1.3808', 6, 5), want: [{ measurement: 'ups', fields: { on_battery: true, status: 'on_battery' } }] },
  { name: 'CyberPower v2 powerRestored', trap: v2('1.3.6.1.4.1.3808.0.9'), want: [{ measurement: 'ups', fields: { on_battery: false, status: 'online' } }] },
  { name: 'Eaton xupstdOnBattery as v1', trap: v1('1.3.6.1.4.1.534.1.11.4.1', 6, 3), want: [{ fields: { on_battery: true } }] },
  { name: 'Eaton xupstdUtilityPowerRestored', trap: v2('1.3.6.1.4.1.534.1.11.4.1.0.5'), want: [{ fields: { on_battery: false } }] },
  { name: 'UPS-MIB upsTrapOnBattery sent as v1 (enterprise upsTraps, specific 1)', trap: v1('1.3.6.1.2.1.33.2', 6, 1), want: [{ fields: { on_battery: true } }] },
  {
    name: 'UPS-MIB alarm added: battery bad',
    trap: v2('1.3.6.1.2.1.33.2.3', [{ oid: '1.3.6.1.2.1.33.1.6.2.1.2.4', type: 6, value: '1.3.6.1.2.1.33.1.6.3.1' }]),
    want: [{ measurement: 'ups', fields: { battery_replace: true } }],
  },
  { name: 'UPS-MIB alarm added: an alarm we do not map', trap: v2('1.3.6.1.2.1.33.2.3', [{ oid: '1.3.6.1.2.1.33.1.6.2.1.2.4', type: 6, value: '1.3.6.1.2.1.33.1.6.3.8' }]), want: [] },
  {
    name: 'linkDown with only ifOperStatus: the instance suffix is the ifIndex, the poller names it',
    trap: v2('1.3.6.1.6.3.1.1.5.3', [{ oid: '1.3.6.1.2.1.2.2.1.8.3', type: 2, value: 7 }]),
    want: [{ measurement: 'interface', tags: { ifIndex: '3', ifName: 'polled-3' }, fields: { oper_up: false } }],
  },
  {
    name: 'Cisco-style v1 linkDown with ifDescr',
    trap: v1('1.3.6.1.4.1.9', 2, 0, [
      { oid: '1.3.6.1.2.1.2.2.1.1.5', type: 2, value: 5 },
      { oid: '1.3.6.1.2.1.2.2.1.2.5', type: 4, value: Buffer.from('GigabitEthernet0/5') },
    ]),
    want: [{ tags: { ifIndex: '5', ifName: 'polled-5' } }],
  },
  { name: 'linkDown without any interface identity maps to nothing', trap: v2('1.3.6.1.6.3.1.1.5.3'), want: [] },
  { name: 'warmStart', trap: v2('1.3.6.1.6.3.1.1.5.2'), want: [{ measurement: 'system', fields: { uptime_s: 5 } }] },
  { name: 'an enterprise trap nobody maps', trap: v2('1.3.6.1.4.1.99999.0.1'), want: [] },
];

t.test('well-known traps map to measurement points', async (t) => {
  for (const row of table) {
    const got = mapTrap(row.trap, { interfaceName: (i) => `polled-${i}` });
    t.match(got.points, row.want, row.name);
    t.equal(got.points.length, (row.want as unknown[]).length, `${row.name}: point count`);
  }
  t.equal(mapTrap(v2('1.3.6.1.4.1.99999.0.1')).name, undefined, 'unknown traps have no name');
});

t.test('net-snmp errors are classified into drop reasons', async (t) => {
  t.equal(classifyError({ name: 'ProcessingError', message: 'Failure to process incoming message' }), 'malformed');
  t.equal(classifyError({ name: 'RequestFailedError', message: 'Local community not found for message with community x' }), 'bad-community');
  t.equal(classifyError({ name: 'RequestFailedError', message: 'Local user not found for message with user x' }), 'unknown-user');
  t.equal(classifyError({ name: 'RequestFailedError', message: 'Local user u requires privacy but message does not provide it' }), 'v3-auth');
  t.equal(classifyError({ name: 'ResponseInvalidError', message: 'Authentication digest … does not match' }), 'v3-auth');
  t.equal(classifyError({ name: 'RequestInvalidError', message: 'Unexpected PDU type 160 (GetRequest)' }), 'unsupported-pdu');
});

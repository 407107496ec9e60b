import t from 'tap';
import { parseSnmprec } from '../../../probes/snmp/recording.js';
import { recordingContext, recordingNames } from '../../helpers/fixtures.js';

t.test('parseSnmprec() decodes types, hex values and variation lines', async (t) => {
  const vbs = parseSnmprec(
    ['1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.318', '1.3.6.1.2.1.1.1.0|4x|414243', '1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615', '1.3.6.1.4.1.318.1.1.1.4.1.1.0|2:writecache|value=2'].join('\n'),
  );
  t.same(vbs.map((v) => v.oid), ['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.2.0', '1.3.6.1.2.1.31.1.1.1.6.1', '1.3.6.1.4.1.318.1.1.1.4.1.1.0']);
  t.equal(String(vbs[0]!.value), 'ABC');
  t.equal(vbs[2]!.value, 18446744073709551615n);
  t.equal(vbs[3]!.value, 2);
});

t.test('every development recording parses and has a sysObjectID', async (t) => {
  const names = recordingNames();
  t.equal(names.length, 47);
  for (const n of names) t.ok(recordingContext(n).sys.sysObjectID, n);
});

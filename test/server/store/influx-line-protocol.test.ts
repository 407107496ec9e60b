import t from 'tap';
import { encodeFieldValue, escapeKey, escapeMeasurement, escapeStringValue, parseLine, toLine, type EncodeProblem } from '../../../server/store/influx/line-protocol.js';
import { findBadLines } from '../../../server/store/influx/bad-lines.js';

t.test('escapeMeasurement escapes commas and spaces only', async (t) => {
  t.equal(escapeMeasurement('cpu load,x=1 "q"'), 'cpu\\ load\\,x=1\\ "q"');
});

t.test('escapeKey escapes commas, spaces and equals signs', async (t) => {
  t.equal(escapeKey('a b,c=d"e'), 'a\\ b\\,c\\=d"e');
});

t.test('names keep literal backslashes but drop ones that would change the parse', async (t) => {
  const table: [string, string][] = [
    ['C:\\Windows', 'C:\\Windows'],
    ['C:\\', 'C:'],
    ['a\\,b', 'a\\,b'],
    ['a\\ b', 'a\\ b'],
    ['x\\\\', 'x'],
  ];
  for (const [input, want] of table) t.equal(escapeKey(input), want, JSON.stringify(input));
  t.equal(escapeMeasurement('m\\=x'), 'm\\=x', '= is not special in a measurement, so its backslash stays');
});

t.test('newlines and other control characters in names become two-character escapes', async (t) => {
  t.equal(escapeKey('a\nb\tc\r'), 'a\\nb\\tc\\r');
  t.equal(escapeMeasurement('m\n'), 'm\\n');
});

t.test('escapeStringValue escapes quotes and backslashes and keeps newlines', async (t) => {
  t.equal(escapeStringValue('say "hi"\\ now\nok'), 'say \\"hi\\"\\\\ now\nok');
});

t.test('encodeFieldValue writes the declared type whatever the JS value looks like', async (t) => {
  const table: [Parameters<typeof encodeFieldValue>[0], Parameters<typeof encodeFieldValue>[1], string | undefined][] = [
    ['int', 42, '42i'],
    ['int', 41.6, '42i'],
    ['int', -3, '-3i'],
    ['int', 2 ** 62, '4611686018427387904i'],
    ['int', 1e30, undefined],
    ['int', NaN, undefined],
    ['int', 'x', undefined],
    ['float', 1, '1'],
    ['float', 0.25, '0.25'],
    ['float', Infinity, undefined],
    ['float', true, undefined],
    ['bool', true, 'true'],
    ['bool', false, 'false'],
    ['bool', 1, undefined],
    ['string', 'on_battery', '"on_battery"'],
    ['string', 12, '"12"'],
    [undefined, 7, '7'],
    [undefined, true, 'true'],
    [undefined, 'x"y', '"x\\"y"'],
  ];
  for (const [type, value, want] of table) t.equal(encodeFieldValue(type, value), want, `${type} ${String(value)}`);
});

t.test('toLine types fields from the measurement schema so a field never changes type', async (t) => {
  const line = toLine(
    {
      measurement: 'ups',
      tags: { site: 's', device: 'ups1' },
      fields: { runtime_s: 840, battery_charge_pct: 100, on_battery: false, status: 'online', vendor_extra: 3 },
      time: 1700000000123,
    },
    0,
  );
  t.equal(line, 'ups,device=ups1,site=s runtime_s=840i,battery_charge_pct=100,on_battery=false,status="online",vendor_extra=3 1700000000123');
});

t.test('toLine stamps the default time and leaves out unwritable fields, reporting them', async (t) => {
  const problems: EncodeProblem[] = [];
  const line = toLine({ measurement: 'interface', tags: { ifName: 'eth 0', empty: '' }, fields: { in_octets: 'n/a', in_bps: 12.5 } }, 5000, problems);
  t.equal(line, 'interface,ifName=eth\\ 0 in_bps=12.5 5000', 'empty tag values are omitted, not written empty');
  t.equal(problems.length, 1);
  t.equal(problems[0]?.field, 'in_octets');
});

t.test('toLine returns undefined when no field survives', async (t) => {
  const problems: EncodeProblem[] = [];
  t.equal(toLine({ measurement: 'system', tags: {}, fields: { cpu_pct: NaN } }, 0, problems), undefined);
  t.match(problems.at(-1), { reason: 'no writable field' });
  t.equal(toLine({ measurement: '', tags: {}, fields: { x: 1 } }, 0), undefined);
});

t.test('parseLine reads back measurement and field types of escaped lines', async (t) => {
  const line = toLine(
    { measurement: 'my m,x', tags: { 'a=b': 'c d' }, fields: { 'f 1': 'va"l,ue =x', 'g=h': 3, i: true }, time: 1 },
    0,
  )!;
  const p = parseLine(line);
  t.equal(p?.measurement, 'my m,x');
  t.same([...(p?.fields ?? [])], [['f 1', 'string'], ['g=h', 'float'], ['i', 'boolean']]);
  t.same([...(parseLine('ups runtime_s=5i 1')?.fields ?? [])], [['runtime_s', 'integer']]);
});

t.test('findBadLines recognises the errors InfluxDB 1.x and 2.x return', async (t) => {
  const lines = ['m v=1 1', 'm v="x" 2', 'n v=1i 3', 'm v=2 4'];
  t.same(
    findBadLines('partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=1', '', lines),
    [1],
  );
  t.same(findBadLines("unable to parse 'n v=1i 3': invalid number\nunable to parse 'm v=2 4': bad", '', lines), [2, 3]);
  t.same(findBadLines('failed to parse line protocol: errors encountered on line(s):\nline 2: invalid field', '', lines), [1]);
  t.same(findBadLines('invalid', JSON.stringify({ code: 'invalid', line: 3, message: 'invalid' }), lines), [2]);
  t.same(findBadLines('something else', '{"code":"invalid"}', lines), [], 'unknown message: nothing named, the sink bisects');
  t.same(findBadLines('line 2: x', '', ['m s="a\nb" 1', 'm v=1 2']), [], 'line numbers are ignored when a record spans lines');
});

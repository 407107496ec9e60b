import t from 'tap';
import { decodeExitStatus } from '../../../probes/smart/exit-status.js';

t.test('decodeExitStatus decodes every bit of the smartctl(8) bitmask', async (t) => {
  const all = decodeExitStatus(255);
  t.same(
    all.bits.map((b) => [b.bit, b.value, b.name]),
    [
      [0, 1, 'FAILCMD'],
      [1, 2, 'FAILDEV'],
      [2, 4, 'FAILSMART'],
      [3, 8, 'FAILSTATUS'],
      [4, 16, 'FAILATTR'],
      [5, 32, 'FAILAGE'],
      [6, 64, 'FAILERR'],
      [7, 128, 'FAILLOG'],
    ],
  );
  t.ok(all.bits.every((b) => b.meaning.length > 10), 'each bit carries its meaning');
});

t.test('decodeExitStatus picks exactly the set bits', async (t) => {
  const table: [number, number[]][] = [
    [0, []],
    [2, [1]],
    [4, [2]],
    [64, [6]],
    [216, [3, 4, 6, 7]], // the failing Hitachi behind a JMicron bridge
    [0b1010_0101, [0, 2, 5, 7]],
  ];
  for (const [code, bits] of table) {
    const d = decodeExitStatus(code);
    t.equal(d.code, code);
    t.same(d.bits.map((b) => b.bit), bits, `exit ${code}`);
  }
});

t.test('a missing or nonsensical exit status decodes to no bits, not a guess', async (t) => {
  for (const v of [undefined, null, -1, 1.5, Number.NaN]) t.same(decodeExitStatus(v), { code: null, bits: [] });
});

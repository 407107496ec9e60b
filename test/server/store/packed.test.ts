import t from 'tap';
import { packValues, unpackValues } from '../../../server/store/packed.js';

t.test('packed values round-trip exactly, small values in few bytes', async (t) => {
  const vals = [0, 1, -1, 100, 41.5, -12.125, 1 / 3, 2 ** 40, -(2 ** 45), 1e15 + 0.5, 3.14159265358979, undefined, 99.999, 2 ** 60];
  t.same(unpackValues(packValues(vals), vals.length), vals);
  t.equal(packValues([100, 41.5, 0]).length, 2 + 3 + 1, 'integers and 0.001-exact values are varints');
  t.equal(packValues([1 / 3]).length, 9, 'anything else is a float64');
  t.equal(packValues([5, undefined, undefined]).length, 1, 'trailing absent fields cost nothing');
  t.same(unpackValues(packValues([5]), 3), [5, undefined, undefined], 'a shorter blob reads as absent past its end');
  t.same(unpackValues(packValues([NaN, Infinity]), 2), [undefined, undefined], 'non-finite values are not stored');
});

t.test('a truncated blob is an error, not a wrong value', async (t) => {
  const b = packValues([1 / 3]);
  t.throws(() => unpackValues(b.subarray(0, 5), 1), /truncated/);
  t.throws(() => unpackValues(Buffer.from([0x80]), 1), /truncated/);
});

import t from 'tap';
import { compareVersions } from '../../../server/reports/version.js';

const table: Array<[string, string, -1 | 0 | 1 | undefined]> = [
  ['7.2.6', '7.10.1', -1],
  ['7.10.1', '7.2.6', 1],
  ['7.2.6', '7.2.6', 0],
  ['v7.2.6', '7.2.6', 0],
  ['V7.4.1', '7.2.6', 1],
  ['7.2', '7.2.0', 0],
  ['7.2.0.1', '7.2', 1],
  ['v7.0.12,build0523 (GA.M)', '7.0.12', 0],
  ['v7.0.12,build0523 (GA.M)', '7.0.12 build0601', -1],
  ['7.2.6-build1577', '7.2.6-build1600', -1],
  ['7.1.1-42962 Update 6', '7.1.1-42962 Update 4', 1],
  ['7.1.1-42962', '7.2-64570', -1],
  ['DSM 7.2.1-69057', '7.2', 1],
  ['DSM 7.2.1-69057', '7.2.1', 0],
  ['9.14(3)18', '9.14(3)20', -1],
  ['9.16(1)', '9.14(3)18', 1],
  ['7.0.0-rc1', '7.0.0', -1],
  ['7.0.0', '7.0.0-beta2', 1],
  ['SonicOS 7.0.1-5035', '7.0.1-5050', -1],
  ['r9.0.4 (2022-11-14)', '9.0.4', 0],
  ['6.48.6', '7.1', -1],
  ['unknown', '7.0', undefined],
  ['', '1', undefined],
];

t.test('compareVersions orders vendor firmware strings', async (t) => {
  for (const [a, b, want] of table) t.equal(compareVersions(a, b), want, `${a} vs ${b}`);
});

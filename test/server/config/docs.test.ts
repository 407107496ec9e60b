import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../server/version.js';

t.test('config/README.md is the one generated from the schema (npm run config-docs)', async (t) => {
  const script = join(PACKAGE_ROOT, 'dist', 'scripts', 'config-docs.js');
  if (!existsSync(script)) throw new Error('run npm run build first (npm test does)');
  const generated = execFileSync('node', [script], { encoding: 'utf8' });
  t.equal(readFileSync(join(PACKAGE_ROOT, 'config', 'README.md'), 'utf8'), generated, 'regenerate with: npm run build && npm run config-docs');
  t.match(generated, /`devices\[\]\.snmp`/);
  t.match(generated, /`credentials\.NAME\.community`/);
});

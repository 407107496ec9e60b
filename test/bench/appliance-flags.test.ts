import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PACKAGE_ROOT } from '../../server/version.js';
import { APPLIANCE_NODE_FLAGS } from '../../scripts/bench/scale.js';

// The scale benchmark's memory figure holds only if the appliance runs with the flags it measured: `npm start`
// and the systemd unit must pass every one of them (the unit may pass one through NODE_OPTIONS).

t.test('npm start passes every flag the scale benchmark measured', async (t) => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = pkg.scripts.start ?? '';
  t.same(APPLIANCE_NODE_FLAGS.filter((f) => !start.split(/\s+/).includes(f)), [], start);
});

t.test('the systemd unit passes every flag the scale benchmark measured', async (t) => {
  const unit = readFileSync(join(PACKAGE_ROOT, 'systemd', 'outpost.service'), 'utf8');
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.split(/\s+/) ?? [];
  const nodeOptions = /^Environment=NODE_OPTIONS=(.*)$/m.exec(unit)?.[1]?.split(/\s+/) ?? [];
  t.same(APPLIANCE_NODE_FLAGS.filter((f) => !exec.includes(f) && !nodeOptions.includes(f)), [], 'ExecStart + NODE_OPTIONS');
});

t.test('node accepts the flags', async (t) => {
  // A flag node does not know makes it exit before serving anything: the appliance would never start.
  const out = execFileSync(process.execPath, [...APPLIANCE_NODE_FLAGS, '-e', 'console.log("ok")'], { encoding: 'utf8' });
  t.equal(out.trim(), 'ok');
});

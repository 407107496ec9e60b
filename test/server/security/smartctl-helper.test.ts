import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../server/version.js';
import { tempDir } from '../../helpers/app.js';

const HELPER = join(PACKAGE_ROOT, 'scripts', 'smartctl-helper');
const CAPTURE = join(PACKAGE_ROOT, 'test/fixtures/smart/nvme__samsung-970evo__media-errors-7__scrutiny.json');

t.test('smartctl-helper: root collects, outpost reads the same answers smartctl gave, exit status included', { skip: process.getuid?.() !== 0 && 'collect runs as root' }, async (t) => {
  const dir = tempDir(t);
  const fake = join(dir, 'smartctl');
  // A smartctl that knows one NVMe disk (text and JSON scans) and answers with a real capture and exit status 4.
  writeFileSync(
    fake,
    `#!/bin/sh
case "$*" in
  "--scan-open -j") echo '{"devices":[{"name":"/dev/nvme0","type":"nvme"}]}' ;;
  "--scan-open") echo "/dev/nvme0 -d nvme # /dev/nvme0, NVMe device" ;;
  "-j -x -d nvme /dev/nvme0") cat '${CAPTURE}'; exit 4 ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(fake, 0o755);
  const store = join(dir, 'smart');
  const env = { ...process.env, SMARTCTL: fake, OUTPOST_SMART_DIR: store, OUTPOST_SMART_DEVICES: join(dir, 'none') };
  const collect = spawnSync('sh', [HELPER, 'collect', store], { env, encoding: 'utf8' });
  t.equal(collect.status, 0, collect.stderr);

  const scan = spawnSync('sh', [HELPER, '--scan-open', '-j'], { env, encoding: 'utf8' });
  t.equal(scan.status, 0);
  t.same(JSON.parse(scan.stdout).devices, [{ name: '/dev/nvme0', type: 'nvme' }]);
  const disk = spawnSync('sh', [HELPER, '-j', '-x', '-d', 'nvme', '/dev/nvme0'], { env, encoding: 'utf8' });
  t.equal(disk.status, 4, 'the recorded exit status bitmask is passed on');
  t.equal(disk.stdout, readFileSync(CAPTURE, 'utf8'));
  const unknown = spawnSync('sh', [HELPER, '-j', '-x', '/dev/sdz'], { env, encoding: 'utf8' });
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /no SMART data collected for \/dev\/sdz/);
  const other = spawnSync('sh', [HELPER, '-s', 'on', '/dev/nvme0'], { env, encoding: 'utf8' });
  t.equal(other.status, 64, 'anything but the two read calls is refused (the helper never changes a disk setting)');
});

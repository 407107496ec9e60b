import t from 'tap';
import { join } from 'node:path';
import { loadConfigFile, validateConfig } from '../../../server/config/load.js';
import { resolveDevices, retention } from '../../../server/config/resolve.js';
import { FIXTURES } from '../../helpers/fixtures.js';
import { PACKAGE_ROOT } from '../../../server/version.js';

const dir = join(FIXTURES, 'config');
const env = { TEST_COMMUNITY: 's3cret-community' };

t.test('a realistic site config validates, interpolates ${ENV} and applies defaults', async (t) => {
  const res = loadConfigFile(join(dir, 'valid-site.yaml'), env);
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  t.equal(res.config.credentials!.lan!.version, '2c', 'YAML number 2c normalised');
  t.same((res.config.credentials!.lan as { community: string }).community, 's3cret-community');
  t.equal(res.config.credentials!.fw!.version, '3');
  t.equal(res.config.defaults!.retries, 1);
  t.equal(res.config.defaults!.ping.count, 5);
  const devs = resolveDevices(res.config);
  t.equal(devs[0]!.intervalMs, 60_000);
  t.equal(devs[1]!.snmp!.maxRepetitions, 10);
  t.equal(devs[2]!.ping!.count, 3);
  t.equal(devs[2]!.snmp, undefined, 'a device without snmp is ping-only');
});

t.test('the shipped configs are valid', async (t) => {
  t.ok(loadConfigFile(join(PACKAGE_ROOT, 'config', 'default.yaml')).ok, 'default.yaml');
  const ex = loadConfigFile(join(PACKAGE_ROOT, 'config', 'outpost.example.yaml'), { SNMP_COMMUNITY: 'x', SNMP_FW_AUTH: 'aaaaaaaa', SNMP_FW_PRIV: 'bbbbbbbb' });
  t.ok(ex.ok, JSON.stringify(ex.ok ? '' : ex.issues));
});

t.test('the default config monitors only the box itself', async (t) => {
  const res = loadConfigFile(join(PACKAGE_ROOT, 'config', 'default.yaml'));
  if (!res.ok) throw new Error('default.yaml invalid');
  for (const d of res.config.devices) t.match(d.host, /^(127\.|::1$|localhost$)/, `${d.name} stays on the box`);
});

// One fixture per rule, each asserted by its exact path and message (STYLE.md 7).
const cases: Array<{ file: string; path: string; message: RegExp }> = [
  { file: 'invalid-unknown-key.yaml', path: 'devices[0]', message: /^unknown key "hots"$/ },
  { file: 'invalid-community-typo.yaml', path: 'credentials.lan', message: /^(unknown key "comunity"|missing required key "community")$/ },
  { file: 'invalid-duration.yaml', path: 'defaults.interval', message: /^not a duration \(write it like 30s, 5m, 1h, 7d\)$/ },
  { file: 'invalid-missing-credential.yaml', path: 'devices[0].snmp', message: /^credential "nosuch" is not defined under credentials$/ },
  { file: 'invalid-duplicate-device.yaml', path: 'devices[1].name', message: /^duplicate device name "ups1" \(also devices\[0\]\)$/ },
  { file: 'invalid-parent.yaml', path: 'devices[0].parent', message: /^parent "core-sw" is not a device name$/ },
  { file: 'invalid-parent-loop.yaml', path: 'devices[0].parent', message: /^parent chain loops back to "a"$/ },
  { file: 'invalid-site-id.yaml', path: 'site.id', message: /^does not match the expected form/ },
  { file: 'invalid-v3-short-key.yaml', path: 'credentials.fw.auth.key', message: /^must be at least 8 characters \(RFC 3414\)$/ },
  { file: 'invalid-v3-protocol.yaml', path: 'credentials.fw.auth.protocol', message: /^must be one of: md5, sha, sha224, sha256, sha384, sha512$/ },
  { file: 'invalid-missing-env.yaml', path: 'credentials.lan.community', message: /^environment variable OUTPOST_TEST_UNSET_VAR is not set$/ },
  { file: 'invalid-yaml-syntax.yaml', path: '(line 2)', message: /Flow map/ },
  { file: 'invalid-port.yaml', path: 'devices[0].port', message: /must be <= 65535/ },
  { file: 'invalid-missing-site.yaml', path: '(top level)', message: /^missing required key "site"$/ },
  { file: 'invalid-raw-retention.yaml', path: 'storage.embedded.retention.raw', message: /^must be at least 1h: after a crash the open roll-up buckets/ },
];

for (const c of cases) {
  t.test(`check-config rejects ${c.file} naming ${c.path}`, async (t) => {
    const res = loadConfigFile(join(dir, c.file), {});
    t.equal(res.ok, false);
    if (res.ok) return;
    const hit = res.issues.find((i) => i.path === c.path && c.message.test(i.message));
    t.ok(hit, `expected ${c.path}: ${c.message} in ${JSON.stringify(res.issues)}`);
  });
}

t.test('raw retention must cover the longest open roll-up bucket (1 h), in any duration form', async (t) => {
  const withRaw = (raw: string | number) => validateConfig({ site: { id: 'x' }, storage: { embedded: { retention: { raw } } }, devices: [] }, {});
  for (const raw of ['59m', '3599s', 3599, '0s']) {
    const res = withRaw(raw);
    t.same(res.ok ? [] : res.issues.map((i) => i.path), ['storage.embedded.retention.raw'], `${raw} rejected`);
  }
  for (const raw of ['1h', '60m', 3600, '7d']) t.equal(withRaw(raw).ok, true, `${raw} accepted`);
  t.equal(validateConfig({ site: { id: 'x' }, devices: [] }, {}).ok, true, 'the default (7d) is accepted');
});

t.test('retention(): the config durations, else a week raw, 90 days of 5-minute and 2 years of hourly roll-ups', async (t) => {
  const day = 86_400_000;
  const of = (embedded: object) => {
    const res = validateConfig({ site: { id: 'x' }, storage: { embedded }, devices: [] }, {});
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    return retention(res.config);
  };
  t.same(of({}), { rawMs: 7 * day, fiveMinMs: 90 * day, hourlyMs: 730 * day });
  t.same(of({ retention: { raw: '2d', five_min: '30d', hourly: '365d' } }), { rawMs: 2 * day, fiveMinMs: 30 * day, hourlyMs: 365 * day });
});

t.test('a missing file is an error naming the file, not a crash', async (t) => {
  const res = loadConfigFile(join(dir, 'nope.yaml'));
  t.equal(res.ok, false);
  if (!res.ok) t.match(res.issues[0]!.message, /cannot read .*nope\.yaml: ENOENT/);
});

t.test('secrets given through ${ENV} never appear in error messages', async (t) => {
  const res = validateConfig({ site: { id: 'x' }, credentials: { lan: { version: '2c', community: '${C}', extra: 1 } }, devices: [] }, { C: 'topsecret-value' });
  t.equal(res.ok, false);
  t.notMatch(JSON.stringify(res), /topsecret-value/);
});

import t from 'tap';
import { reportFromJson } from '../../../probes/smart/index.js';
import { capture, captureFiles, setRaw } from '../../probes/smart/load.js';
import { login } from '../../helpers/app.js';
import { bearer, buildSmart, SITE } from './app.js';

const WD = 'ata-hdd__wdc-wd140edfz__healthy__scrutiny.json';

t.test('POST /api/smart judges each of the 24 real captures as the probe does', async (t) => {
  const app = await buildSmart(t);
  const token = app.outpost.users.createToken('push', 'tech');
  const files = captureFiles();
  t.equal(files.length, 24);
  for (const [i, file] of files.entries()) {
    const want = reportFromJson(capture(file));
    const res = await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: `srv${i}`, disks: [capture(file)] } });
    t.equal(res.statusCode, 200, `${file}: ${res.body}`);
    const got = res.json().disks[0];
    t.equal(got.verdict, want.verdict, file);
    t.same(got.reasons.map((r: { code: string }) => r.code), want.reasons.map((r) => r.code), `${file} reasons`);
    if (want.device.serial) t.equal(got.serial, want.device.serial);
  }
  const disks = (await app.inject({ method: 'GET', url: '/api/disks', headers: bearer(token) })).json() as Array<{ key: string; serial?: string; model?: string; sources: unknown[] }>;
  // Six unrelated drives share the placeholder serial REDACTED: different models or WWNs, so six disks, not one.
  const redacted = disks.filter((d) => d.serial === 'REDACTED');
  t.equal(redacted.length, 6, 'six REDACTED drives stay six disks');
  t.equal(new Set(redacted.map((d) => d.key)).size, 6);
  // The MegaRAID pair shares a redacted serial and a model but not the WWN: two drives, never judged by each
  // other's history (the healthy one would otherwise be the "previous" of the failing one).
  const mr = disks.filter((d) => d.serial === 'XXXXXXXXXXXX');
  t.equal(mr.length, 2);
  t.same(mr.map((d) => d.sources.length), [1, 1]);
  // Path-only disks (unreadable, no serial) are per host: /dev/sda on two servers is two disks.
  t.equal(disks.filter((d) => d.key.endsWith(':/dev/sda')).length, 2);
  t.equal(disks.length, 24);
});

t.test('one push carries many disks; the unconfigured host is registered as a flagged server', async (t) => {
  const app = await buildSmart(t);
  const token = app.outpost.users.createToken('push', 'tech');
  const files = captureFiles().slice(0, 10);
  const res = await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: 'newbox', disks: files.map(capture) } });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().configured, false);
  t.equal(res.json().disks.length, 10);
  const dev = (await app.inject({ method: 'GET', url: '/api/devices/newbox', headers: bearer(token) })).json();
  t.equal(dev.class, 'server');
  const fs1 = await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: 'fs1', disks: [capture(WD)] } });
  t.equal(fs1.json().configured, true);
});

t.test('the same disk pushed by two hosts is one disk with two sources', async (t) => {
  const app = await buildSmart(t);
  const token = app.outpost.users.createToken('push', 'tech');
  for (const host of ['fs1', 'fs2']) {
    const res = await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host, disks: [capture(WD)] } });
    t.equal(res.json().disks[0].key, '9RK1XXXX');
  }
  const disks = (await app.inject({ method: 'GET', url: '/api/disks', headers: bearer(token) })).json();
  t.equal(disks.length, 1);
  t.same(disks[0].sources.map((s: { device: string; source: string }) => `${s.device}/${s.source}`).sort(), ['fs1/push', 'fs2/push']);
  t.equal(disks[0].missing, false);
  t.equal(disks[0].model, 'WDC WD140EDFZ-11A0VA0');
});

t.test('a reallocated count that rises between pushes escalates warn → fail', async (t) => {
  const app = await buildSmart(t);
  const token = app.outpost.users.createToken('push', 'tech');
  const push = (json: unknown) => app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: 'fs1', disks: [json] } });
  const first = (await push(setRaw(capture(WD), 5, 3))).json().disks[0];
  t.equal(first.verdict, 'warn');
  const second = (await push(setRaw(capture(WD), 5, 5))).json().disks[0];
  t.equal(second.verdict, 'fail', 'alone 5 sectors is a warning; rising from 3 is a failure');
  t.equal(second.reasons[0].code, 'trend.reallocated');
  // An unreadable push (the disk timed out) neither resets nor fakes the trend.
  const timeout = { smartctl: { exit_status: 2, messages: [{ string: 'timed out', severity: 'error' }] }, device: { name: '/dev/sda', type: 'sat' } };
  t.equal((await push(timeout)).json().disks[0].verdict, 'unknown');
  const third = (await push(setRaw(capture(WD), 5, 7))).json().disks[0];
  t.equal(third.verdict, 'fail', 'still compared against the reading before the timeout (5 → 7)');
  t.match(third.reasons[0].text, /rose from 5/);
  const steady = (await push(setRaw(capture(WD), 5, 7))).json().disks[0];
  t.equal(steady.verdict, 'warn', 'a count that holds steady returns to its static level');
  const list = (await app.inject({ method: 'GET', url: '/api/disks', headers: bearer(token) })).json();
  t.equal(list.find((d: { key: string }) => d.key === '9RK1XXXX').verdict, 'warn');
});

t.test('pushed points reach the embedded store under the disk key; GET /api/disks/:key has attribute history', async (t) => {
  const app = await buildSmart(t);
  const token = app.outpost.users.createToken('push', 'tech');
  for (const raw of [3, 5]) {
    await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: 'fs1', disks: [setRaw(capture(WD), 5, raw)] } });
    await new Promise((r) => setTimeout(r, 5));
    app.outpost.flush();
  }
  const latest = (await app.inject({ method: 'GET', url: '/api/devices/fs1', headers: bearer(token) })).json().latest;
  const disk = latest.find((l: { measurement: string }) => l.measurement === 'disk');
  t.match(disk, { tags: { site: 'acme', device: 'fs1', disk: '9RK1XXXX', model: 'WDC WD140EDFZ-11A0VA0' }, fields: { health: 'fail', reallocated: 5, source: 'push' } });
  const res = await app.inject({ method: 'GET', url: `/api/disks/9RK1XXXX?from=${Date.now() - 3_600_000}`, headers: bearer(token) });
  t.equal(res.statusCode, 200, res.body);
  const d = res.json();
  t.equal(d.verdict, 'fail');
  const realloc = d.history.find((h: { measurement: string; field: string; tags: Record<string, string> }) => h.measurement === 'smart_attr' && h.field === 'raw' && h.tags.id === '5');
  t.same(realloc.points.map((p: number[]) => p[1]), [3, 5]);
  t.ok(d.history.some((h: { measurement: string; field: string }) => h.measurement === 'disk' && h.field === 'temp_c'));
  t.equal((await app.inject({ method: 'GET', url: '/api/disks/nope', headers: bearer(token) })).statusCode, 404);
  // Keys with slashes (a path-only disk) round-trip when encoded.
  await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: 'fs1', disks: [capture('error__windows-open-failed__exit2__scrutiny.json')] } });
  const enc = await app.inject({ method: 'GET', url: `/api/disks/${encodeURIComponent('fs1:/dev/sda')}`, headers: bearer(token) });
  t.equal(enc.statusCode, 200, enc.body);
  t.equal(enc.json().verdict, 'unknown');
});

t.test('bad pushes are refused with a reason: 413 too large, 400 malformed', async (t) => {
  const app = await buildSmart(t);
  const token = app.outpost.users.createToken('push', 'tech');
  const post = (payload: string | object) =>
    app.inject({ method: 'POST', url: '/api/smart', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const big = capture('sata-ssd__samsung-860evo__healthy-xall__scrutiny.json');
  // What smart-push.sh sends: smartctl's pretty-printed output unchanged; 64 full -x outputs pass 2 MB.
  const huge = await post(JSON.stringify({ host: 'fs1', disks: Array.from({ length: 64 }, () => big) }, null, 2));
  t.equal(huge.statusCode, 413);
  t.match(huge.json().message, /2 MB limit/);
  const cases: Array<[string, string | object, RegExp]> = [
    ['not JSON', '{"host": "fs1", "disks": [', /not a SMART push/],
    ['no disks', { host: 'fs1' }, /disks/],
    ['a disk that is not smartctl output', { host: 'fs1', disks: [{ hello: 1 }] }, /smartctl|device|anyOf/],
    ['a disk that is not an object', { host: 'fs1', disks: ['text'] }, /object/],
    ['a host with a slash', { host: 'a/b', disks: [] }, /host/],
    ['an unknown key', { host: 'fs1', disks: [], extra: 1 }, /additional/],
    ['more than 64 disks', { host: 'fs1', disks: Array.from({ length: 65 }, () => ({ smartctl: {} })) }, /64/],
  ];
  for (const [name, body, msg] of cases) {
    const res = await post(body);
    t.equal(res.statusCode, 400, name);
    t.match(res.json().message, msg, `${name}: ${res.json().message}`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/disks', headers: bearer(token) })).json().length, 0, 'nothing was recorded');
});

t.test('POST /api/smart needs a tech token or session; GET /api/disks a viewer', async (t) => {
  const app = await buildSmart(t, { ...SITE, devices: [] });
  const viewer = app.outpost.users.createToken('dash', 'viewer');
  const body = { host: 'fs1', disks: [capture(WD)] };
  t.equal((await app.inject({ method: 'POST', url: '/api/smart', payload: body })).statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url: '/api/smart', headers: bearer('opt_wrong'), payload: body })).statusCode, 401);
  const forbidden = await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(viewer), payload: body });
  t.equal(forbidden.statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: '/api/disks' })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/api/disks', headers: bearer(viewer) })).statusCode, 200);
  const cookie = await login(app, 'tech');
  t.equal((await app.inject({ method: 'POST', url: '/api/smart', headers: { cookie }, payload: body })).statusCode, 200);
});

t.test('disk points from an SNMP poll join the inventory: a NAS serial merges with the pushed disk', async (t) => {
  const app = await buildSmart(t, { ...SITE, devices: [{ name: 'nas1', host: '127.0.0.1', ping: false }] });
  const token = app.outpost.users.createToken('push', 'tech');
  await app.inject({ method: 'POST', url: '/api/smart', headers: bearer(token), payload: { host: 'fs1', disks: [capture(WD)] } });
  const now = Date.now();
  const point = (disk: string, model: string, health: string) => ({ measurement: 'disk', tags: { site: 'acme', device: 'nas1', disk, model }, fields: { health, source: 'snmp', status: 'Normal' }, time: now });
  app.outpost.ingest({
    device: 'nas1', host: '127.0.0.1', class: 'nas', probe: 'snmp', ok: true, time: now, durationMs: 5,
    points: [point('9RK1XXXX', 'WD140EDFZ-11A0VA0', 'ok'), point('Disk 2', 'ST4000VN008', 'warn')],
  }, { polled: true });
  const disks = (await app.inject({ method: 'GET', url: '/api/disks', headers: bearer(token) })).json();
  t.equal(disks.length, 2);
  const wd = disks.find((d: { key: string }) => d.key === '9RK1XXXX');
  t.same(wd.sources.map((s: { device: string; source: string }) => `${s.device}/${s.source}`).sort(), ['fs1/push', 'nas1/snmp']);
  const slot = disks.find((d: { key: string }) => d.key === 'nas1:Disk 2');
  t.equal(slot.verdict, 'warn');
  t.match(slot.reasons[0].text, /nas1 reports: Normal/);
});

t.test('the OpenAPI document describes the SMART routes', async (t) => {
  const app = await buildSmart(t);
  const cookie = await login(app, 'viewer');
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { cookie } })).json();
  t.ok(doc.paths['/api/smart']?.post, 'POST /api/smart');
  t.ok(doc.paths['/api/disks']?.get);
  t.ok(doc.paths['/api/disks/{key}']?.get);
});

import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { reportCommand } from '../../../server/cli/report.js';
import { EmbeddedStore } from '../../../server/store/embedded.js';
import { simulateAvailability } from '../../../server/reports/simulate.js';
import { tempDir, type Tap } from '../../helpers/app.js';

const FROM = Date.UTC(2026, 8, 1);
const TO = Date.UTC(2026, 9, 1);

function site(t: Tap): string {
  const dir = tempDir(t);
  const store = new EmbeddedStore(join(dir, 'data'), { rawMs: 1, fiveMinMs: 1, hourlyMs: 1 });
  store.syncDevices([{ name: 'gw', host: '192.0.2.1' }]);
  const samples = simulateAvailability(FROM, TO, 60_000, { down: [[Date.UTC(2026, 8, 9, 6), Date.UTC(2026, 8, 9, 9)]] });
  store.write('gw', samples.map((s) => ({ measurement: 'availability', tags: { device: 'gw', probe: 'ping' }, fields: { up: s.up }, time: s.t })));
  store.close();
  writeFileSync(join(dir, 'outpost.yaml'), stringify({ site: { id: 'cli-site', name: 'CLI Site' }, storage: { embedded: { path: join(dir, 'data') } }, devices: [{ name: 'gw', host: '192.0.2.1' }] }));
  return dir;
}

const sink = () => {
  let text = '';
  return { out: { write: (s: string) => (text += s) }, text: () => text };
};

t.test('outpost report sla writes HTML and CSV with the month\'s figures', async (t) => {
  const dir = site(t);
  const cfg = join(dir, 'outpost.yaml');
  const html = join(dir, 'sla.html');
  t.equal(await reportCommand(['sla', '--month', '2026-09', '--config', cfg, '--out', html], sink().out), 0);
  // 3 h down of 720 h.
  t.match(readFileSync(html, 'utf8'), '99.583 %');
  const s = sink();
  t.equal(await reportCommand(['sla', '--month', '2026-09', '--format', 'csv', '--config', cfg], s.out), 0);
  t.match(s.text(), 'device,gw,unknown,,2026-09,99.5833,100,43020,180,180,0,0,0');
  const j = sink();
  t.equal(await reportCommand(['sla', '--month', '2026-09', '--format', 'json', '--config', cfg], j.out), 0);
  t.equal(JSON.parse(j.text()).sla.site.downMs, 3 * 3_600_000);
  const inv = sink();
  t.equal(await reportCommand(['inventory', '--format', 'csv', '--config', cfg], inv.out), 0);
  t.match(inv.text(), /^device,host,class/);
});

t.test('outpost report: usage errors exit 2, config errors 1', async (t) => {
  const dir = site(t);
  const cfg = join(dir, 'outpost.yaml');
  t.equal(await reportCommand(['sla', '--config', cfg], sink().out), 2, 'no month');
  t.equal(await reportCommand(['sla', '--month', '2026-9', '--config', cfg], sink().out), 2, 'bad month');
  t.equal(await reportCommand(['sla', '--month', '2026-09', '--format', 'pdf', '--config', cfg], sink().out), 2);
  t.equal(await reportCommand(['uptime'], sink().out), 2);
  t.equal(await reportCommand(['sla', '--month', '2026-09', '--bogus'], sink().out), 2);
  t.equal(await reportCommand(['sla', '--month', '2026-09', '--config', join(dir, 'missing.yaml')], sink().out), 1);
});

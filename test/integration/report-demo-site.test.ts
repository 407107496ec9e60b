import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../server/version.js';
import { tempDir } from '../helpers/app.js';

/**
 * scripts/demo-site-report.sh end to end: a simulated October 2026 (Europe/London, 745 h = 44 700 min with
 * the clock change) for six devices, reported by the CLI. Every figure below follows from the scenario in
 * scripts/demo-site-report.ts: a 45 min firewall outage, a 40 min switch outage inside its 90 min maintenance
 * window, 105 min of NAS fault, 4 h printer off, weekly 30 min UPS self-test windows (4 Sundays), 1 h box off.
 */
t.test('one command builds the demo site and produces its HTML and CSV', async (t) => {
  const out = tempDir(t);
  execFileSync(join(PACKAGE_ROOT, 'scripts', 'demo-site-report.sh'), [out], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 280_000 });
  const csv = readFileSync(join(out, 'sla-acme-dental-2026-10.csv'), 'utf8').trim().split('\r\n');
  const month = csv.filter((l) => /^(site|device),/.test(l));
  t.same(month, [
    'site,acme-dental,,,2026-10,99.7701,99.8656,266855,615,390,225,370,360',
    'device,fw1,firewall,,2026-10,99.8992,99.8658,44595,45,45,0,0,60',
    'device,core-sw,switch,fw1,2026-10,99.899,99.8655,44505,45,0,45,90,60',
    'device,ups1,ups,core-sw,2026-10,99.8988,99.8653,44435,45,0,45,160,60',
    'device,nas1,nas,core-sw,2026-10,99.6637,99.8657,44450,150,105,45,40,60',
    'device,srv1,server,core-sw,2026-10,99.8991,99.8657,44555,45,0,45,40,60',
    'device,printer,printer,core-sw,2026-10,99.361,99.8657,44315,285,240,45,40,60',
  ]);
  const html = readFileSync(join(out, 'sla-acme-dental-2026-10.html'), 'utf8');
  t.match(html, 'Availability report — Acme Dental, Main St');
  t.match(html, '99.770 %');
  t.match(html, 'attributed to <b>fw1</b>');
  const inv = readFileSync(join(out, 'inventory-acme-dental.csv'), 'utf8');
  t.match(inv, /ups1,192\.168\.1\.20,ups,APC,Smart-UPS X 750,AS1234567890,6\.8\.2,/);
});

import t from 'tap';
import { buildWithReports } from './app-with-reports.js';
import { login } from '../../helpers/app.js';
import { base, H, seed } from './seed.js';
import type { SlaReport, FirmwareReport, InventoryReport } from '../../../server/reports/schema.js';

t.test('GET /api/reports/sla computes the month from the stored series', async (t) => {
  const app = await buildWithReports(t, base);
  seed(app);
  const cookie = await login(app, 'viewer');
  const res = await app.inject({ url: '/api/reports/sla?month=2026-09', headers: { cookie } });
  t.equal(res.statusCode, 200, res.body);
  const r = res.json() as SlaReport;
  const dev = Object.fromEntries(r.sla.devices.map((d) => [d.name, d]));
  t.equal(dev.fw1!.totals.uptimePct!.toFixed(4), ((718 / 720) * 100).toFixed(4), 'fw1: 2 h down of 720');
  t.equal(dev.sw1!.totals.maintenanceMs, 2 * H);
  t.equal(dev.sw1!.totals.downParentMs, 2 * H);
  t.equal(dev.sw1!.totals.downUnreachableMs, 1 * H);
  t.equal(dev.sw1!.totals.uptimePct!.toFixed(4), ((715 / 718) * 100).toFixed(4), 'sw1: 3 h down of 718 measured');
  t.equal(dev.ups1!.totals.unknownMs, 6 * H);
  t.equal(dev.ups1!.totals.uptimePct!.toFixed(4), ((712 / 714) * 100).toFixed(4));
  t.same(dev.ups1!.incidents.map((i) => [i.cause, i.attributedTo]), [['parent-down', 'fw1']]);
  t.equal(dev.fw1!.class, 'firewall');
  t.equal(r.sla.site.uptimePct!.toFixed(4), (((718 + 715 + 712) / (720 + 718 + 714)) * 100).toFixed(4));
  t.ok(r.notes.some((n) => /attributed to that parent/.test(n)));

  const html = await app.inject({ url: '/api/reports/sla?month=2026-09&format=html', headers: { cookie } });
  t.match(html.headers['content-type'], /text\/html/);
  t.match(html.body, 'Acme &lt;Dental&gt;', 'site name escaped');
  t.match(html.body, '99.722 %');
  t.match(html.body, '99.582 %');
  t.notMatch(html.body, /<script/i, 'no scripts');
  t.notMatch(html.body, /(src|href)=["']?https?:/i, 'nothing external');

  const csv = await app.inject({ url: '/api/reports/sla?month=2026-09&format=csv', headers: { cookie } });
  const lines = csv.body.trim().split('\r\n');
  t.equal(lines[0], 'scope,name,class,parent,period,uptime_pct,coverage_pct,up_min,down_min,down_unreachable_min,down_parent_min,maintenance_min,unknown_min');
  t.ok(lines.includes('device,sw1,switch,fw1,2026-09,99.5822,100,42900,180,60,120,120,0'), lines.join('\n'));
  t.ok(lines.includes('device-day,fw1,firewall,,2026-09-03,91.6667,100,1320,120,120,0,0,0'));
  t.equal(lines.filter((l) => l.startsWith('device-day,')).length, 90);
});

t.test('GET /api/reports/sla refuses a bad month and needs a login', async (t) => {
  const app = await buildWithReports(t, base);
  const cookie = await login(app, 'viewer');
  t.equal((await app.inject({ url: '/api/reports/sla?month=2026-13', headers: { cookie } })).statusCode, 400);
  t.equal((await app.inject({ url: '/api/reports/sla?month=oct', headers: { cookie } })).statusCode, 400);
  t.equal((await app.inject({ url: '/api/reports/sla?month=2026-09&format=pdf', headers: { cookie } })).statusCode, 400);
  t.equal((await app.inject({ url: '/api/reports/sla?month=2026-09' })).statusCode, 401);
});

t.test('GET /api/reports/firmware flags old firmware and expiring licences; inventory lists age and refresh', async (t) => {
  const app = await buildWithReports(t, base, {
    reports: {
      firmware_minimum: [
        { vendor: 'fortinet', model: '^FortiGate', version: '7.2.8' },
        { vendor: 'APC', version: 'v6.8.0' },
      ],
      refresh: [{ device: 'ups1', date: '2027-03-01', note: 'battery + NMC3' }],
    },
  });
  seed(app);
  const cookie = await login(app, 'viewer');
  const fw = (await app.inject({ url: '/api/reports/firmware', headers: { cookie } })).json() as FirmwareReport;
  const st = Object.fromEntries(fw.devices.map((d) => [d.device, [d.status, d.minimum]]));
  t.same(st, { fw1: ['outdated', '7.2.8'], sw1: ['no-minimum', undefined], ups1: ['ok', 'v6.8.0'] });
  t.same(fw.licences.map((l) => [l.name, l.status]), [['FortiCare', 'expired'], ['FortiGuard', 'expiring']]);
  t.same(fw.summary, { devices: 3, outdated: 1, unknown: 0, licencesExpired: 1, licencesExpiring: 1 });
  const fwCsv = await app.inject({ url: '/api/reports/firmware?format=csv', headers: { cookie } });
  t.match(fwCsv.body, 'fw1,firewall,Fortinet,FortiGate 60F,"v7.2.5,build1517 (GA.F)",7.2.8,outdated');

  const inv = (await app.inject({ url: '/api/reports/inventory', headers: { cookie } })).json() as InventoryReport;
  const ups = inv.devices.find((d) => d.device === 'ups1')!;
  t.equal(ups.serial, 'AS1');
  t.equal(ups.refresh?.date, '2027-03-01');
  t.ok(ups.age.some((a) => a.startsWith('battery 2.7 y (installed 2023-01-01)')), ups.age.join('; '));
  const invCsv = await app.inject({ url: '/api/reports/inventory?format=csv', headers: { cookie } });
  t.match(invCsv.body.split('\r\n')[0], /^device,host,class,vendor,model,serial,firmware,first_seen/);
  t.match(invCsv.body, /ups1,192\.0\.2\.3,ups,APC,Smart-UPS X 750,AS1,6\.8\.2,.*,2023-01-01,1000,.*2027-03-01,battery \+ NMC3/);
});

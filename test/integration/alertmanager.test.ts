import t from 'tap';
import { alertmanagerAvailable, startAlertmanager } from '../helpers/alertmanager.js';
import { event, service, upsAlert } from '../server/alerts/notifiers/fixtures.js';

// Port 19300 (this file only).
t.test('a real Alertmanager receives the firing alert with its labels, the Watchdog, then the resolve', { skip: !alertmanagerAvailable() && 'prometheus-alertmanager not installed' }, async (t) => {
  const am = await startAlertmanager(19300);
  t.teardown(() => am.stop());
  // Real time: Alertmanager compares endsAt with its own clock.
  const { svc } = service({ notify: [{ type: 'alertmanager', url: am.url, repeat: '1m' }], now: Date.now });
  t.teardown(() => svc.stop());
  const a = upsAlert({ instance: 'battery', startsAt: Date.now() - 60_000 });
  svc.onAlertEvents([event('firing', a, Date.now())]);
  await svc.runDue();
  await svc.runRepeats(Date.now(), true);
  t.same(svc.stats()[0]?.lastError, undefined, 'no delivery error');

  const firing = await am.alerts({ active: true });
  const ups = firing.find((x) => x.labels.alertname === 'UpsOnBattery');
  t.ok(ups, 'UpsOnBattery is in Alertmanager');
  t.same(ups?.labels, { alertname: 'UpsOnBattery', site: 'acme-dental', device: 'ups1', class: 'ups', severity: 'critical', instance: 'battery' });
  t.equal(ups?.annotations.summary, a.summary);
  t.equal(Date.parse(ups!.startsAt), a.startsAt);
  const ends = Date.parse(ups!.endsAt) - Date.now();
  t.ok(ends > 3.5 * 60_000 && ends <= 4 * 60_000, `endsAt is 4 × repeat ahead (${ends} ms)`);
  const wd = firing.find((x) => x.labels.alertname === 'OutpostWatchdog');
  t.same(wd?.labels, { alertname: 'OutpostWatchdog', site: 'acme-dental', severity: 'none' }, 'the Watchdog fires');

  svc.onAlertEvents([event('resolved', { ...a, endsAt: Date.now() - 1000 }, Date.now())]);
  await svc.runDue();
  const after = await am.alerts({ active: true });
  t.notOk(after.some((x) => x.labels.alertname === 'UpsOnBattery'), 'resolved: no longer active');
  const all = await am.alerts();
  const resolved = all.find((x) => x.labels.alertname === 'UpsOnBattery');
  t.ok(!resolved || Date.parse(resolved.endsAt) <= Date.now(), 'endsAt is in the past');
  t.ok(after.some((x) => x.labels.alertname === 'OutpostWatchdog'), 'the Watchdog keeps firing');

  // A re-post after the resolve must not bring it back.
  await svc.runRepeats(Date.now(), true);
  t.notOk((await am.alerts({ active: true })).some((x) => x.labels.alertname === 'UpsOnBattery'));
});

import t from 'tap';
import { reportFromJson } from '../../../probes/smart/index.js';
import { capture } from './load.js';

const healthy = () => capture('nvme__toshiba-kxg6aznv512g__healthy-xall__smart-prom-next.json');
const withLog = (patch: object, status?: object) => {
  const j = healthy();
  Object.assign(j.nvme_smart_health_information_log, patch);
  if (status) j.smart_status = status;
  return reportFromJson(j);
};

t.test('an available-spare threshold of 0 means the spare check cannot trigger', async (t) => {
  for (const spare of [0, 3, 100]) {
    const r = withLog({ available_spare: spare, available_spare_threshold: 0 });
    t.equal(r.verdict, 'ok', `spare ${spare} % with threshold 0`);
    t.notOk(r.reasons.some((x) => x.code === 'nvme.available_spare'));
  }
});

t.test('available spare below a real threshold fails', async (t) => {
  const r = withLog({ available_spare: 3, available_spare_threshold: 10 });
  t.equal(r.verdict, 'fail');
  t.match(r.reasons[0]?.text, /available spare 3 % is below the drive's threshold of 10 %/);
  t.equal(withLog({ available_spare: 10, available_spare_threshold: 10 }).verdict, 'ok', 'equal to the threshold is not below it');
  // The controller's own bit 0 says the same thing once: no duplicate reason.
  const both = withLog({ available_spare: 3, available_spare_threshold: 10, critical_warning: 1 }, { passed: false, nvme: { value: 1 } });
  t.equal(both.reasons.filter((x) => /spare/.test(x.text)).length, 1);
});

t.test('critical_warning is decoded bit by bit', async (t) => {
  const table: [number, string, RegExp][] = [
    [0x02, 'warn', /temperature/],
    [0x04, 'fail', /reliability is degraded/],
    [0x08, 'fail', /read-only/],
    [0x10, 'warn', /volatile memory backup/],
    [0x20, 'warn', /persistent memory region/],
    [0x40, 'warn', /unknown bit/],
  ];
  for (const [cw, verdict, text] of table) {
    const r = withLog({ critical_warning: cw }, { passed: false, nvme: { value: cw } });
    t.equal(r.verdict, verdict, `critical_warning 0x${cw.toString(16)}`);
    t.match(r.reasons[0]?.text, text);
    t.notOk(r.reasons.some((x) => x.code === 'smart_status'), 'smart_status=false is the same fact, not another reason');
  }
  const r = withLog({ critical_warning: 0x06 }, { passed: false, nvme: { value: 6 } });
  t.same(r.reasons.filter((x) => x.code.startsWith('nvme.critical')).map((x) => x.level), ['fail', 'warn']);
});

t.test('percentage_used: 75 % is fine, 90 % is shown, past 100 % plan a replacement but it is not failed', async (t) => {
  t.equal(reportFromJson(capture('nvme__intel-ssdpe2kx020t7__wear-75pct__exporter.json')).verdict, 'ok');
  t.equal(withLog({ percentage_used: 92 }).verdict, 'info');
  t.equal(withLog({ percentage_used: 100 }).verdict, 'warn');
  t.equal(withLog({ percentage_used: 180 }).verdict, 'warn');
  t.equal(withLog({ percentage_used: 180 }).points[0]?.fields.percentage_used, 180);
});

t.test('media errors warn; error-log entries alone are only info', async (t) => {
  t.equal(withLog({ media_errors: 1 }).verdict, 'warn');
  const logOnly = withLog({ num_err_log_entries: 8382 });
  t.equal(logOnly.verdict, 'info');
  t.match(logOnly.reasons[0]?.text, /benign/);
  t.equal(withLog({ media_errors: 1 }).points[0]?.fields.media_errors, 1);
});

import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { MEASUREMENTS, fieldType, type MeasurementSpec } from '../../../probes/measurements.js';
import { DEFAULT_RULES } from '../../../server/alerts/default-rules.js';
import { AlertsConfigError, checkAlertsConfig, resolveRules, rulesForDevice, deviceRules } from '../../../server/alerts/rules.js';
import { AlertEngineConfigSchema, EffectiveRuleSchema, RuleSchema, isStaleRule, type AlertEngineConfig } from '../../../server/alerts/schema.js';
import { Harness, MIN, pt } from './harness.js';

/** Tags points really carry that measurements.ts does not list yet: server/store/influx/stats-point.ts tags sink health by `sink`. */
const TAGS_NOT_YET_IN_SCHEMA: Record<string, string[]> = { outpost: ['sink'] };

t.test('the default pack is valid and only reads fields the measurement schema defines, with matching types', async (t) => {
  const names = new Set<string>();
  for (const rule of DEFAULT_RULES) {
    t.ok(Value.Check(RuleSchema, rule), `${rule.name} matches RuleSchema`);
    t.notOk(names.has(rule.name), `${rule.name} is unique`);
    names.add(rule.name);
    if (isStaleRule(rule)) continue;
    const spec = (MEASUREMENTS as Record<string, MeasurementSpec>)[rule.measurement];
    t.ok(spec, `${rule.name}: measurement ${rule.measurement} exists`);
    const fields = typeof rule.field === 'string' ? [rule.field] : rule.field;
    for (const f of [...fields, ...(rule.per ? [rule.per] : []), ...Object.keys(rule.when ?? {})]) {
      const type = fieldType(rule.measurement, f);
      t.ok(type, `${rule.name}: ${rule.measurement}.${f} exists`);
      const level = rule.warn ?? rule.critical;
      if (fields.includes(f) && level) {
        const want = type === 'bool' ? 'boolean' : type === 'string' ? 'string' : 'number';
        t.equal(typeof level.value, want, `${rule.name}: threshold type matches ${rule.measurement}.${f} (${type})`);
      }
    }
    for (const tag of [rule.instanceTag ?? []].flat().concat(Object.keys(rule.where ?? {}))) {
      const known = [...(spec?.tags ?? []), ...(TAGS_NOT_YET_IN_SCHEMA[rule.measurement] ?? [])];
      t.ok(known.includes(tag), `${rule.name}: tag ${tag} exists on ${rule.measurement}`);
    }
  }
  for (const required of ['DeviceUnreachable', 'DeviceStale', 'MetricStale', 'UpsOnBattery', 'DiskWarning', 'DiskFailing', 'SmartUnreadable', 'LicenceExpiring']) {
    t.ok(names.has(required), `${required} is in the pack`);
  }
});

t.test('overrides: device beats class beats site beats default, and rulesForDevice says where each value came from', async (t) => {
  const config: AlertEngineConfig = {
    rules: [
      { rule: 'StorageNearlyFull', warn: { value: 90 } },
      { rule: 'StorageNearlyFull', class: 'nas', warn: { value: 92, clear: 88 }, for: '10m' },
      { rule: 'StorageNearlyFull', device: 'nas1', warn: { value: 95 } },
      { rule: 'StorageNearlyFull', device: 'nas3', critical: false },
      { rule: 'InterfaceDown', class: 'switch', disabled: true },
      { rule: 'InterfaceDown', device: 'core-sw', disabled: false },
      { rule: 'UpsOnBattery', device: 'ups-lab', for: '5m' },
    ],
  };
  const rules = resolveRules({ config, timezone: 'UTC' });
  const rule = (device: string, cls: Parameters<typeof rulesForDevice>[2], name: string) => rulesForDevice(rules, device, cls).find((r) => r.name === name);

  const cases = [
    { device: 'srv1', cls: 'server', warn: [90, 85, 'site'], forMs: [0, 'default'] },
    { device: 'nas2', cls: 'nas', warn: [92, 88, 'class'], forMs: [10 * MIN, 'class'] },
    { device: 'nas1', cls: 'nas', warn: [95, 91, 'device'], forMs: [10 * MIN, 'class'] },
  ] as const;
  for (const c of cases) {
    const r = rule(c.device, c.cls, 'StorageNearlyFull')!;
    t.same([r.warn?.value, r.warn?.clear, r.warn?.origin], c.warn, `${c.device}: warn level and origin (clear keeps the gap it replaced)`);
    t.same([r.forMs, r.forOrigin], c.forMs, `${c.device}: for and origin`);
    t.same([r.critical?.value, r.critical?.origin], [95, 'default'], `${c.device}: critical untouched`);
  }
  t.notOk(rule('nas3', 'nas', 'StorageNearlyFull')!.critical, 'critical: false removes that level');

  const access = rule('sw2', 'switch', 'InterfaceDown')!;
  t.same([access.enabled, access.disabledBy], [false, 'class'], 'a disabled rule is listed, with who disabled it');
  const core = rule('core-sw', 'switch', 'InterfaceDown')!;
  t.same([core.enabled, core.disabledBy], [true, undefined], 'a device override re-enables what its class disabled');
  t.equal(rule('ups-lab', 'ups', 'UpsOnBattery')!.forMs, 5 * MIN);
  t.equal(rule('ups1', 'ups', 'UpsOnBattery')!.forMs, 30_000);
  t.notOk(rule('sw2', 'switch', 'UpsOnBattery'), 'class-specific rules do not apply to other classes');
  t.same(rules.rulesForDevice('nas1', 'nas'), rulesForDevice(rules, 'nas1', 'nas'), 'also callable on the resolved rules');
  for (const r of rulesForDevice(rules, 'nas1', 'nas')) t.ok(Value.Check(EffectiveRuleSchema, r), `${r.name} view matches EffectiveRuleSchema`);

  // The engine uses the same resolution.
  const h = new Harness({ config });
  const vol = (v: number) => [pt('storage', { used_pct: v }, { name: 'vol1' })];
  for (let at = 0; at <= 10 * MIN; at += MIN) {
    h.sample(at, 'nas1', 'nas', vol(93));
    h.sample(at, 'nas2', 'nas', vol(93));
    h.sample(at, 'srv1', 'server', vol(93));
  }
  t.same(
    h.events.map((e) => [e.type, e.alert.device, (e.at - h.events[0]!.at) / MIN]),
    [
      ['firing', 'srv1', 0],
      ['firing', 'nas2', 10],
    ],
    'nas1 (95 %) stays quiet, nas2 (92 %) waits for its class `for`, srv1 (site 90 %) fires at once',
  );

  const sw = new Harness({ config });
  const port = (up: boolean) => [pt('interface', { oper_up: up, admin_up: true }, { ifName: 'p1' })];
  for (const [at, up] of [[0, true], [MIN, false], [3 * MIN, false]] as const) {
    sw.sample(at, 'sw2', 'switch', port(up));
    sw.sample(at, 'core-sw', 'switch', port(up));
  }
  t.same(sw.events.map((e) => e.alert.device), ['core-sw'], 'disabled for access switches, enabled for the core');
});

t.test('config problems are reported with their path', async (t) => {
  const cases: [AlertEngineConfig, string[]][] = [
    [{ rules: [{ rule: 'UpsOnBatery' }] }, ['alerts.rules[0].rule']],
    [{ rules: [{ rule: 'UpsOnBattery', critical: { value: 30 } }] }, ['alerts.rules[0].critical.value']],
    [{ rules: [{ rule: 'StorageNearlyFull', warn: { value: 90, clear: 'x' } }] }, ['alerts.rules[0].warn.clear']],
    [{ rules: [{ rule: 'DeviceStale', warn: { value: 3 } }] }, ['alerts.rules[0].warn']],
    // Warning after critical as the reading worsens: both fields named (high is bad, then low is bad).
    [{ rules: [{ rule: 'StorageNearlyFull', warn: { value: 95 }, critical: { value: 90 } }] }, ['alerts.rules[0].warn', 'alerts.rules[0].critical']],
    [{ rules: [{ rule: 'UpsChargeLow', warn: { value: 20 }, critical: { value: 30 } }] }, ['alerts.rules[0].warn', 'alerts.rules[0].critical']],
    [{ rules: [{ rule: 'UpsChargeLow', warn: { value: 50 }, critical: { value: 30 } }] }, []],
    [{ maintenance: [{ start: '2026-01-05T10:00:00Z', end: '2026-01-05T09:00:00Z' }] }, ['alerts.maintenance[0].end']],
    [{ maintenance: [{ days: ['sun'], start: '02:00', duration: '3h', timezone: 'Mars/Olympus' }] }, ['alerts.maintenance[0].timezone']],
    [{ rules: [{ rule: 'DeviceStale', disabled: true }], maintenance: [{ class: 'ups', days: ['sat', 'sun'], start: '22:00', duration: '4h' }] }, []],
  ];
  for (const [config, paths] of cases) {
    t.ok(Value.Check(AlertEngineConfigSchema, config), 'schema-valid, so only the semantic check can catch it');
    t.same(
      checkAlertsConfig(config).map((p) => p.path),
      paths,
      JSON.stringify(config),
    );
  }
  t.throws(() => resolveRules({ config: cases[0]![0] }), AlertsConfigError);
  t.notOk(Value.Check(AlertEngineConfigSchema, { rules: [{ rule: 'UpsOnBattery', thresold: 3 }] }), 'unknown keys are rejected by the schema');
  t.notOk(Value.Check(AlertEngineConfigSchema, { rules: [{ rule: 'UpsOnBattery', for: '30 seconds' }] }), 'durations are checked by the schema');
  t.notOk(Value.Check(AlertEngineConfigSchema, { maintenance: [{ start: '2026-01-05T10:00:00', end: '2026-01-05T11:00:00' }] }), 'one-off windows need an offset');
});

t.test('a config reload that disables a rule resolves its active alerts on the next tick', async (t) => {
  const h = new Harness();
  h.sample(0, 'nas1', 'nas', [pt('storage', { used_pct: 97 }, { name: 'vol1' })]);
  t.equal(h.active().length, 1);
  h.rules = resolveRules({ timezone: 'UTC', config: { rules: [{ rule: 'StorageNearlyFull', device: 'nas1', disabled: true }] } });
  t.same(h.tick(MIN).map((e) => [e.type, e.alert.name]), [['resolved', 'StorageNearlyFull']]);
  t.same(h.state.instances, {}, 'and forgets it');
});

t.test('devices without overrides of their own share their class rule objects; an override stays personal', async (t) => {
  const resolved = resolveRules({
    timezone: 'UTC',
    config: {
      rules: [{ rule: 'UpsChargeLow', device: 'ups3', warn: { value: 70 } }],
      maintenance: [{ device: 'ups2', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' }],
    },
  });
  const a = deviceRules(resolved, 'ups1', 'ups');
  const b = deviceRules(resolved, 'ups2', 'ups');
  const c = deviceRules(resolved, 'ups3', 'ups');
  t.equal(a.byName.get('UpsChargeLow'), b.byName.get('UpsChargeLow'), 'one object for both plain UPSes');
  t.not(a.byName.get('UpsChargeLow'), c.byName.get('UpsChargeLow'));
  t.equal(a.byName.get('UpsChargeLow')!.warn!.value, 50, 'the default');
  t.equal(c.byName.get('UpsChargeLow')!.warn!.value, 70, "ups3's own override");
  t.equal(a.windows.length, 0, 'windows stay per device');
  t.equal(b.windows.length, 1);
  t.equal(deviceRules(resolved, 'ups1', 'ups'), a, 'cached per device');
});

import t from 'tap';
import { oracle, recordingContext } from '../../helpers/fixtures.js';
import { switchProfiles } from '../../../probes/profiles/switch/index.js';
import type { ProfileOutput } from '../../../probes/profiles/types.js';

/**
 * Outpost's switch profiles against LibreNMS's opinion of the same recordings (test/fixtures/snmp/ORACLE.json):
 * identity (hardware → model, version, serial), processors → system.cpu_pct, mempools → system.mem_*, and every
 * sensor Outpost also reports, after scaling. Where the two differ on purpose the row is listed below with the
 * reason; any other difference fails.
 */

/** Deliberate differences, each with why. Keyed `device|value` as printed in the table. */
const DEPARTURES: Record<string, string> = {
  'ciscosb_sg350-10|version':
    'LibreNMS joins "Software X, Firmware Y"; Outpost reports the running software (rlPhdUnitGenParamSoftwareVersion) alone',
  'ciscosb_c1200|version': 'LibreNMS joins software, boot loader and firmware revisions; Outpost reports the running software 4.1.6.53',
  'ciscosb_c1200|model': 'LibreNMS appends the hardware revision (V02) to the model name; Outpost keeps the model alone',
  'ios_nac|model':
    'LibreNMS names the sysObjectID through CISCO-PRODUCTS-MIB (catalyst29608TCS); Outpost carries no product-OID table and, with no ENTITY-MIB chassis in the recording, reports the platform from sysDescr (C2960)',
};
/** LibreNMS sensors that Outpost deliberately does not report, by descr pattern. */
const NOT_REPORTED: Array<{ device: string; descr: RegExp; reason: string }> = [
  {
    device: 'ciscosb_c1200',
    descr: /^GigabitEthernet\d+ Suspended Status$/,
    reason: 'per-port suspension state (swIfOperSuspendedStatus) is interface data; ports are the IF-MIB collector\'s, not the switch profile\'s',
  },
];

/** Where Outpost puts the value of a LibreNMS sensor: its class and name tags and the field compared. */
type Target = { cls: string; name: string; field: 'value' | 'state' };
const SENSOR_MAP: Record<string, (descr: string) => Target | undefined> = {
  ciscosb_c1200: (d) => {
    const m = /^(PSU \d+) Status$/.exec(d);
    return m ? { cls: 'psu', name: m[1]!, field: 'state' } : undefined;
  },
  netgear: (d) => {
    let m = /^Switch (\d+) Fan (\d+) State$/.exec(d);
    if (m) return { cls: 'fan', name: `Unit ${m[1]} Fan ${m[2]}`, field: 'state' };
    m = /^Switch (\d+) Sensor (\d+) Temperature$/.exec(d);
    return m ? { cls: 'temperature', name: `Unit ${m[1]} Sensor ${m[2]}`, field: 'value' } : undefined;
  },
  'jetstream_t2600g-28ts': (d) => {
    const m = /^DDM (Bias Current|RX Power|TX Power|Data Ready|Loss of Signal|TX Fault|Temperature|Voltage) (\S+)$/.exec(d);
    if (!m) return undefined;
    const port = m[2]!;
    const map: Record<string, Target> = {
      'Bias Current': { cls: 'current', name: `${port} Optic Bias`, field: 'value' },
      'RX Power': { cls: 'dbm', name: `${port} Optic RX`, field: 'value' },
      'TX Power': { cls: 'dbm', name: `${port} Optic TX`, field: 'value' },
      'Data Ready': { cls: 'state', name: `${port} Optic Data Ready`, field: 'state' },
      'Loss of Signal': { cls: 'state', name: `${port} Optic Loss of Signal`, field: 'state' },
      'TX Fault': { cls: 'state', name: `${port} Optic TX Fault`, field: 'state' },
      Temperature: { cls: 'temperature', name: `${port} Optic`, field: 'value' },
      Voltage: { cls: 'voltage', name: `${port} Optic`, field: 'value' },
    };
    return map[m[1]!];
  },
};

type Verdict = 'agree' | 'departure' | 'DISAGREE';
interface Row {
  device: string;
  item: string;
  librenms: string;
  outpost: string;
  verdict: Verdict;
  reason?: string;
}

/** LibreNMS keeps ~14 significant digits, Outpost rounds optics to 4 decimals: equal within a hair. */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(Math.abs(b) * 1e-4, 1e-4);
}

async function collect(name: string): Promise<{ id?: string; out: ProfileOutput }> {
  const ctx = recordingContext(name);
  const ranked = switchProfiles.map((p) => ({ p, s: p.match(ctx.sys) })).filter((x) => x.s > 0).sort((a, b) => b.s - a.s);
  const p = ranked[0]?.p;
  return { id: p?.id, out: p ? await p.collect(ctx) : { points: [] } };
}

t.test('switch profiles agree with LibreNMS on every switch recording', async (t) => {
  const rows: Row[] = [];
  const usedDepartures = new Set<string>();
  const add = (device: string, item: string, librenms: unknown, outpost: unknown, same: boolean) => {
    const key = `${device}|${item}`;
    const departure = DEPARTURES[key];
    let verdict: Verdict = same ? 'agree' : 'DISAGREE';
    if (!same && departure) {
      verdict = 'departure';
      usedDepartures.add(key);
    }
    rows.push({ device, item, librenms: String(librenms ?? '—'), outpost: String(outpost ?? '—'), verdict, reason: verdict === 'departure' ? departure : undefined });
  };

  const all = oracle();
  const devices = Object.keys(all).filter((d) => all[d].category === 'switch');
  t.equal(devices.length, 12, 'ORACLE.json lists the 12 switch recordings');
  let stubs = 0;
  for (const device of devices) {
    const o = all[device];
    const { id, out } = await collect(device);
    t.ok(id, `${device} is claimed by a switch profile`);
    if (o.expected === false) {
      stubs++;
      rows.push({ device, item: '(stub)', librenms: 'no LibreNMS data', outpost: id ?? '—', verdict: 'agree' });
      continue;
    }
    const ident = (out.identity ?? {}) as Record<string, unknown>;
    for (const [lib, ours] of [['hardware', 'model'], ['version', 'version'], ['serial', 'serial']] as const) {
      if (o[lib] === null || o[lib] === undefined) continue;
      add(device, ours, o[lib], ident[ours], o[lib] === ident[ours]);
    }

    const sys = out.points.find((p) => p.measurement === 'system')?.fields ?? {};
    for (const proc of o.processors ?? []) add(device, `cpu_pct (${proc.descr})`, proc.usage, sys.cpu_pct, typeof sys.cpu_pct === 'number' && near(sys.cpu_pct, proc.usage));
    for (const mp of o.mempools ?? []) {
      const percentOnly = mp.total === 100 && mp.perc_oid;
      const libPct = percentOnly ? mp.perc : (mp.used / mp.total) * 100;
      add(device, `mem_used_pct (${mp.descr})`, Math.round(libPct * 100) / 100, sys.mem_used_pct, typeof sys.mem_used_pct === 'number' && near(sys.mem_used_pct, libPct));
      if (!percentOnly) add(device, `mem_total_bytes (${mp.descr})`, mp.total, sys.mem_total_bytes, sys.mem_total_bytes === mp.total);
    }

    for (const s of o.sensors ?? []) {
      const skip = NOT_REPORTED.find((n) => n.device === device && n.descr.test(s.descr));
      if (skip) {
        rows.push({ device, item: s.descr, librenms: String(s.state ?? s.value), outpost: '(not reported)', verdict: 'departure', reason: skip.reason });
        continue;
      }
      const target = SENSOR_MAP[device]?.(s.descr);
      const fields = target && out.points.find((p) => p.measurement === 'sensor' && p.tags.class === target.cls && p.tags.name === target.name)?.fields;
      if (!target || !fields) {
        add(device, s.descr, s.state ?? s.value, undefined, false);
        continue;
      }
      if (target.field === 'state') {
        const same = String(fields.state).toLowerCase() === String(s.state).toLowerCase() && fields.ok === (s.state_generic === 0);
        add(device, s.descr, `${s.state} (${s.state_generic === 0 ? 'ok' : 'not ok'})`, `${fields.state} (${fields.ok ? 'ok' : 'not ok'})`, same);
      } else {
        add(device, s.descr, s.value, fields.value, typeof fields.value === 'number' && near(fields.value, s.value));
      }
    }
  }

  const width = (k: keyof Row) => Math.max(...rows.map((r) => String(r[k] ?? '').length), k.length);
  const cols: Array<keyof Row> = ['device', 'item', 'librenms', 'outpost', 'verdict'];
  const line = (r: Record<string, string>) => cols.map((c) => String(r[c] ?? '').padEnd(width(c))).join(' | ');
  t.comment(line({ device: 'device', item: 'value', librenms: 'LibreNMS', outpost: 'Outpost', verdict: 'agree' }));
  for (const r of rows) t.comment(line(r as unknown as Record<string, string>) + (r.reason ? `  (${r.reason})` : ''));

  const count = (v: Verdict) => rows.filter((r) => r.verdict === v && r.item !== '(stub)').length;
  t.comment(
    `totals: ${devices.length} switch recordings (${stubs} LibreNMS stubs), ${rows.length - stubs} values compared: ` +
      `${count('agree')} agree, ${count('departure')} listed departures, ${count('DISAGREE')} unexplained`,
  );
  for (const r of rows.filter((x) => x.verdict === 'DISAGREE')) t.fail(`${r.device} ${r.item}: LibreNMS ${r.librenms}, Outpost ${r.outpost}`);
  for (const key of Object.keys(DEPARTURES)) t.ok(usedDepartures.has(key), `departure ${key} still describes a real difference`);
  t.ok(count('agree') >= 40, 'most values are actually compared, not waved through');
});

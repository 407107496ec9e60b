/**
 * The measurement schema of DESIGN.md, with each field's type. It is the one place that decides whether a
 * number is written as an InfluxDB integer (`42i`) or float: InfluxDB rejects a whole batch when a field
 * changes type, so a value must never be an integer on one poll and a float on the next.
 * Fields not listed here are floats (numbers), booleans or strings by their JS type.
 */
export type FieldType = 'int' | 'float' | 'bool' | 'string';

export interface MeasurementSpec {
  tags: readonly string[];
  fields: Record<string, FieldType>;
  /** Why this measurement exists, for the generated docs. */
  doc: string;
}

export const MEASUREMENTS = {
  ping: {
    doc: 'ICMP echo via fping: N pings per cycle.',
    tags: [],
    fields: { rtt_min_ms: 'float', rtt_avg_ms: 'float', rtt_max_ms: 'float', jitter_ms: 'float', loss_pct: 'float', sent: 'int', received: 'int' },
  },
  availability: {
    doc: 'One point per probe per poll: did the device answer, how long it took, and whether its data is stale.',
    tags: ['probe'],
    fields: { up: 'bool', poll_ms: 'float', stale: 'bool', error: 'string' },
  },
  system: {
    doc: 'Whole-device health.',
    tags: [],
    fields: { uptime_s: 'int', cpu_pct: 'float', mem_used_pct: 'float', mem_total_bytes: 'int', temp_c: 'float' },
  },
  interface: {
    doc: 'IF-MIB per port: raw counters (integers) and per-second rates computed with wrap/reset handling.',
    tags: ['ifName', 'ifIndex'],
    fields: {
      oper_up: 'bool', admin_up: 'bool', speed_bps: 'int',
      in_octets: 'int', out_octets: 'int', in_bps: 'float', out_bps: 'float',
      in_errors: 'int', out_errors: 'int', in_discards: 'int', out_discards: 'int',
      in_errors_ps: 'float', out_errors_ps: 'float', in_discards_ps: 'float', out_discards_ps: 'float',
      util_in_pct: 'float', util_out_pct: 'float', alias: 'string',
    },
  },
  ups: {
    doc: 'Normalised UPS state whatever the vendor MIB.',
    tags: [],
    fields: {
      status: 'string', on_battery: 'bool', battery_charge_pct: 'float', runtime_s: 'int', load_pct: 'float',
      input_voltage_v: 'float', output_voltage_v: 'float', battery_voltage_v: 'float', battery_temp_c: 'float',
      battery_replace: 'bool', seconds_on_battery: 'int', input_frequency_hz: 'float', output_frequency_hz: 'float',
      self_test_result: 'string', self_test_date: 'int', battery_installed_at: 'int', battery_age_days: 'int',
    },
  },
  firewall: {
    doc: 'Firewall and edge-router specifics.',
    tags: [],
    fields: { sessions: 'int', sessions_max: 'int', vpn_tunnels_up: 'int', ha_state: 'string' },
  },
  license: {
    doc: 'Licence / subscription expiry (antivirus, IPS, support) as the device reports it.',
    tags: ['name'],
    fields: { expires_at: 'int', days_left: 'int', status: 'string', description: 'string', level: 'int' },
  },
  storage: {
    doc: 'Volumes, pools and file systems.',
    tags: ['name'],
    fields: { size_bytes: 'int', used_bytes: 'int', used_pct: 'float', status: 'string' },
  },
  disk: {
    doc: 'Physical disks, from smartctl or a NAS over SNMP, with a verdict.',
    tags: ['disk', 'model'],
    fields: {
      health: 'string', temp_c: 'float', reallocated: 'int', pending: 'int', uncorrectable: 'int',
      power_on_hours: 'int', percentage_used: 'float', media_errors: 'int', source: 'string', status: 'string', reason: 'string',
    },
  },
  smart_attr: {
    doc: 'Per-attribute SMART history (ATA attributes, NVMe health log values) for the dashboard.',
    tags: ['disk', 'id', 'name'],
    fields: { value: 'int', worst: 'int', thresh: 'int', raw: 'int' },
  },
  sensor: {
    doc: 'Anything else a device reports: fans, PSUs, humidity, extra temperatures. `class` is temperature, fan, psu, humidity, voltage, current, power, state…',
    tags: ['class', 'name'],
    fields: { value: 'float', state: 'string', ok: 'bool' },
  },
  outpost: {
    doc: "Outpost's own health: the box that watches must itself be watched. Per-sink points carry the `sink` tag.",
    tags: ['sink'],
    fields: {
      poll_lag_s: 'float', outbox_points: 'int', dropped_points: 'int', devices_stale: 'int', devices_down: 'int',
      rss_bytes: 'int', heap_used_bytes: 'int', polls_total: 'int', varbinds_total: 'int', rates_discarded: 'int',
      oldest_point_age_s: 'float', disk_free_bytes: 'int', embedded_bytes: 'int', devices_unreachable: 'int',
      sent_points: 'int', rejected_points: 'int', last_success_at: 'int', sink_state: 'string', last_error: 'string',
    },
  },
} as const satisfies Record<string, MeasurementSpec>;

export type MeasurementName = keyof typeof MEASUREMENTS;

/** Declared type of a field, or undefined for free-form fields (their JS type decides). */
export function fieldType(measurement: string, field: string): FieldType | undefined {
  const spec = (MEASUREMENTS as Record<string, MeasurementSpec>)[measurement];
  return spec?.fields[field];
}

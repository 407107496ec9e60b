import type { Point } from '../../probes/types.js';
import { asNumber, asString, isUnder, type Varbind } from '../../probes/snmp/varbind.js';
import type { Trap } from './decode.js';

/**
 * Well-known traps → points in the measurement schema (probes/measurements.ts), so a trap moves the same
 * fields a poll would and the alert engine needs no trap-specific rules: `ups.on_battery` fires UpsOnBattery
 * (after its debounce) seconds after the UPS switched instead of up to a poll interval later. A trap only says
 * what it knows; the next poll fills in everything else. Unknown traps map to no points but are still kept in
 * the receiver's recent list for the dashboard.
 */

export interface MapContext {
  /** The poller's name for an interface (its `ifName` tag), so a trap lands on the same alert instance. */
  interfaceName?: (ifIndex: string) => string | undefined;
}

export interface Mapped {
  /** Human name of the trap when it is one we know ("linkDown", "APC upsOnBattery"). */
  name?: string;
  points: Point[];
}

type Mapper = (t: Trap, ctx: MapContext) => Point[];

const UPS_MIB = '1.3.6.1.2.1.33';
const UPS = {
  estimatedMinutesRemaining: `${UPS_MIB}.1.2.3`,
  secondsOnBattery: `${UPS_MIB}.1.2.2`,
  alarmDescr: `${UPS_MIB}.1.6.2.1.2`,
  alarmBatteryBad: `${UPS_MIB}.1.6.3.1`,
  alarmOnBattery: `${UPS_MIB}.1.6.3.2`,
} as const;

const IF = {
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifAdminStatus: '1.3.6.1.2.1.2.2.1.7',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
} as const;

/** The varbind for a scalar or a column (`base` itself, `base.0` or any instance below it). */
function find(t: Trap, base: string): Varbind | undefined {
  return t.varbinds.find((vb) => vb.oid === base || isUnder(vb.oid, base));
}

function ups(fields: Point['fields']): Point {
  return { measurement: 'ups', tags: {}, fields };
}

const onBattery: Mapper = () => [ups({ on_battery: true, status: 'on_battery' })];
const powerRestored: Mapper = () => [ups({ on_battery: false, status: 'online' })];

/** RFC 1628 upsTrapOnBattery carries the runtime estimate and time on battery: worth keeping for the summary. */
const rfc1628OnBattery: Mapper = (t) => {
  const fields: Point['fields'] = { on_battery: true, status: 'on_battery' };
  const minutes = asNumber(find(t, UPS.estimatedMinutesRemaining)?.value);
  if (minutes !== undefined && minutes >= 0) fields.runtime_s = Math.round(minutes * 60);
  const secs = asNumber(find(t, UPS.secondsOnBattery)?.value);
  if (secs !== undefined && secs >= 0) fields.seconds_on_battery = Math.round(secs);
  return [ups(fields)];
};

/**
 * RFC 1628 has no "power restored" trap: the agent adds and removes rows of its alarm table and says so.
 * upsAlarmDescr is an OID naming the well-known alarm; on battery and battery bad are the ones that map.
 */
const rfc1628Alarm =
  (added: boolean): Mapper =>
  (t) => {
    const descr = find(t, UPS.alarmDescr)?.value;
    if (descr === UPS.alarmOnBattery) return added ? onBattery(t, {}) : powerRestored(t, {});
    if (descr === UPS.alarmBatteryBad) return [ups({ battery_replace: added })];
    return [];
  };

/** linkDown/linkUp (RFC 2863; v1 generic 2/3). Without an ifIndex the point could not be told apart: none. */
const link =
  (up: boolean): Mapper =>
  (t, ctx) => {
    const indexVb = find(t, IF.ifIndex);
    let ifIndex = indexVb && asNumber(indexVb.value) !== undefined ? String(asNumber(indexVb.value)) : undefined;
    if (ifIndex === undefined) {
      // Some agents send only ifAdminStatus/ifOperStatus/ifDescr: the instance suffix is the ifIndex.
      for (const base of [IF.ifOperStatus, IF.ifAdminStatus, IF.ifDescr, IF.ifName]) {
        const vb = find(t, base);
        const suffix = vb && isUnder(vb.oid, base) ? vb.oid.slice(base.length + 1) : undefined;
        if (suffix && /^\d+$/.test(suffix)) {
          ifIndex = suffix;
          break;
        }
      }
    }
    if (ifIndex === undefined) return [];
    const fields: Point['fields'] = {};
    const oper = asNumber(find(t, IF.ifOperStatus)?.value);
    // ifOperStatus says what the port is (down, lowerLayerDown, dormant…); the trap type is the fallback.
    fields.oper_up = oper !== undefined ? oper === 1 : up;
    const admin = asNumber(find(t, IF.ifAdminStatus)?.value);
    if (admin !== undefined) fields.admin_up = admin === 1;
    // Same precedence as the poller (ifName, else ifDescr) so alerts match the polled instance.
    const name = asString(find(t, IF.ifName)?.value) || ctx.interfaceName?.(ifIndex) || asString(find(t, IF.ifDescr)?.value);
    const tags: Record<string, string> = { ifIndex };
    if (name) tags.ifName = name;
    return [{ measurement: 'interface', tags, fields }];
  };

/** coldStart/warmStart: the device restarted; its uptime in the trap is the fact the engine can use. */
const restarted: Mapper = (t) => [{ measurement: 'system', tags: {}, fields: { uptime_s: Math.floor((t.uptime ?? 0) / 100) } }];

/** snmpTrapOID → (name, mapper). v1 traps are looked up in their RFC 3584 form (enterprise.0.specific). */
export const KNOWN_TRAPS: Record<string, { name: string; map: Mapper }> = {
  '1.3.6.1.6.3.1.1.5.1': { name: 'coldStart', map: restarted },
  '1.3.6.1.6.3.1.1.5.2': { name: 'warmStart', map: restarted },
  '1.3.6.1.6.3.1.1.5.3': { name: 'linkDown', map: link(false) },
  '1.3.6.1.6.3.1.1.5.4': { name: 'linkUp', map: link(true) },
  // RFC 1628 UPS-MIB upsTraps
  [`${UPS_MIB}.2.1`]: { name: 'UPS-MIB upsTrapOnBattery', map: rfc1628OnBattery },
  [`${UPS_MIB}.2.3`]: { name: 'UPS-MIB upsTrapAlarmEntryAdded', map: rfc1628Alarm(true) },
  [`${UPS_MIB}.2.4`]: { name: 'UPS-MIB upsTrapAlarmEntryRemoved', map: rfc1628Alarm(false) },
  // APC PowerNet-MIB (v1: enterprise apc 1.3.6.1.4.1.318, specific 5 / 9)
  '1.3.6.1.4.1.318.0.5': { name: 'APC upsOnBattery', map: onBattery },
  '1.3.6.1.4.1.318.0.9': { name: 'APC powerRestored', map: powerRestored },
  // Eaton XUPS-MIB: xupsTrapDefined (xupstd*), xupsTrapPortN (xupstp*) and the old xupsTrapBasic (xupstb*)
  '1.3.6.1.4.1.534.1.11.4.1.0.3': { name: 'Eaton xupstdOnBattery', map: onBattery },
  '1.3.6.1.4.1.534.1.11.4.1.0.5': { name: 'Eaton xupstdUtilityPowerRestored', map: powerRestored },
  '1.3.6.1.4.1.534.1.11.4.2.0.3': { name: 'Eaton xupstpOnBattery', map: onBattery },
  '1.3.6.1.4.1.534.1.11.4.2.0.5': { name: 'Eaton xupstpUtilityPowerRestored', map: powerRestored },
  '1.3.6.1.4.1.534.1.0.0.0.3': { name: 'Eaton xupstbOnBattery', map: onBattery },
  '1.3.6.1.4.1.534.1.0.0.0.5': { name: 'Eaton xupstbUtilityPowerRestored', map: powerRestored },
  // CyberPower CPS-MIB (v1: enterprise cps 1.3.6.1.4.1.3808, specific 5 / 9, numbered like APC's)
  '1.3.6.1.4.1.3808.0.5': { name: 'CyberPower upsOnBattery', map: onBattery },
  '1.3.6.1.4.1.3808.0.9': { name: 'CyberPower powerRestored', map: powerRestored },
  // MGE / Eaton MG-SNMP-UPS-MIB
  '1.3.6.1.4.1.705.1.11.0.11': { name: 'MGE upsmgOnBattery', map: onBattery },
  '1.3.6.1.4.1.705.1.11.0.12': { name: 'MGE upsmgReturnFromBattery', map: powerRestored },
};

/**
 * A v1 agent translating an SMIv2 notification (e.g. UPS-MIB upsTraps.1) sends enterprise upsTraps, specific 1,
 * which RFC 3584 turns back into upsTraps.0.1: try the OID without that `.0` too.
 */
function lookup(t: Trap): { name: string; map: Mapper } | undefined {
  const direct = KNOWN_TRAPS[t.trapOid];
  if (direct || t.version !== '1') return direct;
  return KNOWN_TRAPS[t.trapOid.replace(/\.0\.(\d+)$/, '.$1')];
}

export function mapTrap(t: Trap, ctx: MapContext = {}): Mapped {
  const known = lookup(t);
  if (!known) return { points: [] };
  return { name: known.name, points: known.map(t, ctx) };
}

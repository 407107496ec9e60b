import type { Point } from '../../types.js';
import type { Profile, ProfileContext } from '../types.js';
import { num, oidUnder, pushAll, round, scalars, str, table } from '../util.js';
import { SCORE, bytes, firewallPoint, hottest, hrCpuPct, licensePoint, parseExpiry, sensorPoint, systemPoint } from './common.js';

/**
 * MikroTik RouterOS (MIKROTIK-MIB, 14988.1). RouterOS gives CPU and memory only through HOST-RESOURCES;
 * health comes from the gauge table (RouterOS 6.47+ / 7), or from the older fixed health scalars.
 * CRS switches run RouterOS too: they are still recognised, but with a weak score so a switch profile wins.
 */

const MT = '1.3.6.1.4.1.14988.1.1';
const S = {
  licLevel: `${MT}.4.3.0`, // mtxrLicLevel
  licVersion: `${MT}.4.4.0`, // mtxrLicVersion: the RouterOS version
  licUpgrUntil: `${MT}.4.2.0`, // mtxrLicUpgrUntil (DateAndTime): upgrades allowed until
  serial: `${MT}.7.3.0`, // mtxrSerialNumber
  board: `${MT}.7.9.0`, // mtxrBoardName
  hlVoltage: `${MT}.3.8.0`, // mtxrHlVoltage, dV
  hlTemperature: `${MT}.3.10.0`, // mtxrHlTemperature, d°C
  hlCpuTemperature: `${MT}.3.11.0`, // mtxrHlProcessorTemperature, d°C
  connections: `${MT}.22.1.1.0`, // mtxrCtTotalEntries: connection-tracking entries
} as const;

const GAUGE_ENTRY = `${MT}.3.100.1`; // mtxrGaugeTableEntry: 2 name, 3 value, 4 unit
/** mtxrGaugeUnit → sensor class and divisor (dV, dA, dW are tenths). */
const GAUGE_UNIT: Record<number, [string, number]> = { 1: ['temperature', 1], 2: ['fan', 1], 3: ['voltage', 10], 4: ['current', 10], 5: ['power', 10], 6: ['state', 1] };

const HR_STORAGE_TYPE = '1.3.6.1.2.1.25.2.3.1.2';
const HR_RAM = '1.3.6.1.2.1.25.2.1.2';

/** RouterOS's "main memory" row of hrStorageTable: the only place it reports RAM. */
async function memory(ctx: ProfileContext): Promise<{ mem_used_pct?: number; mem_total_bytes?: number }> {
  const ram = (await ctx.snmp.walk(HR_STORAGE_TYPE)).find((vb) => String(vb.value).replace(/^\./, '') === HR_RAM);
  if (!ram) return {};
  const idx = ram.oid.slice(HR_STORAGE_TYPE.length + 1);
  const v = await scalars(ctx, { units: `1.3.6.1.2.1.25.2.3.1.4.${idx}`, size: `1.3.6.1.2.1.25.2.3.1.5.${idx}`, used: `1.3.6.1.2.1.25.2.3.1.6.${idx}` });
  const units = num(v.units);
  const size = num(v.size);
  const used = num(v.used);
  if (!units || !size || used === undefined) return {};
  return { mem_total_bytes: size * units, mem_used_pct: round((used / size) * 100) };
}

export const routeros: Profile = {
  id: 'routeros',
  vendor: 'MikroTik',
  class: 'firewall',
  match(sys) {
    const isRouterOs = oidUnder(sys.sysObjectID, '1.3.6.1.4.1.14988.1') || /^RouterOS\b/.test(sys.sysDescr);
    if (!isRouterOs) return 0;
    if (/\bCRS\d/i.test(sys.sysDescr)) return SCORE.weak;
    return oidUnder(sys.sysObjectID, '1.3.6.1.4.1.14988.1') ? SCORE.exact : SCORE.product;
  },
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const points: Point[] = [];
    const temps: number[] = [];
    for (const [i, row] of await table(ctx, GAUGE_ENTRY)) {
      const [cls, div] = GAUGE_UNIT[num(row.get(4)) ?? 0] ?? ['other', 1];
      const raw = num(row.get(3));
      const value = raw === undefined ? undefined : round(raw / div);
      if (cls === 'temperature' && value !== undefined) temps.push(value);
      pushAll(points, sensorPoint(cls, str(row.get(2)) ?? `gauge ${i}`, { value }));
    }
    if (!temps.length) {
      // Pre-6.47 boards: fixed health scalars in tenths.
      for (const [name, vb] of [['temperature', v.hlTemperature], ['cpu-temperature', v.hlCpuTemperature]] as const) {
        const t = num(vb, 10);
        if (t === undefined) continue;
        temps.push(t);
        pushAll(points, sensorPoint('temperature', name, { value: t }));
      }
      pushAll(points, sensorPoint('voltage', 'voltage', { value: num(v.hlVoltage, 10) }));
    }

    const level = num(v.licLevel);
    const upgrUntil = parseExpiry(bytes(v.licUpgrUntil));
    pushAll(
      points,
      systemPoint({ cpu_pct: await hrCpuPct(ctx), ...(await memory(ctx)), temp_c: hottest(temps) }),
      firewallPoint({ sessions: num(v.connections) }),
      // A RouterOS key never stops the router; its level caps features and its date caps upgrades.
      licensePoint('routeros', upgrUntil, ctx.now, { level }),
    );
    const board = str(v.board) ?? /^RouterOS\s+(\S+)/.exec(ctx.sys.sysDescr)?.[1];
    return {
      identity: { vendor: 'MikroTik', os: 'RouterOS', model: board, version: str(v.licVersion), serial: str(v.serial) },
      points,
    };
  },
};

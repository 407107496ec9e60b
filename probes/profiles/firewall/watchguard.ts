import type { Point } from '../../types.js';
import type { Profile } from '../types.js';
import { num, pushAll, round, scalars, str } from '../util.js';
import { SCORE, bytes, enterprise, firewallPoint, licensePoint, parseExpiry, systemPoint } from './common.js';

/**
 * WatchGuard Firebox (Fireware, enterprise 3097). sysDescr is the bare model ("M400", "T40"), so it is the
 * model; the statistics come from WATCHGUARD-SYSTEM-STATISTICS-MIB and the feature-key (subscription
 * bundle) expiry from WATCHGUARD-INFO-SYSTEM-MIB.
 */

const S = {
  version: '1.3.6.1.4.1.3097.6.3.1.0', // wgSoftwareVersion
  cpu1m: '1.3.6.1.4.1.3097.6.3.77.0', // wgSystemCpuUtil1, hundredths of a percent
  conns: '1.3.6.1.4.1.3097.6.3.80.0', // wgSystemCurrActiveConns
  featureKeyExpiry: '1.3.6.1.4.1.3097.6.1.5.0', // wgFeaureKeyExpirationInfo (DateAndTime; the MIB's spelling)
} as const;

/** A one-word sysDescr is the model; anything longer is prose we should not show as one. */
export function watchguardModel(sysDescr: string): string | undefined {
  const d = sysDescr.trim();
  return d && !/\s/.test(d) && d.length <= 32 ? d.replace(/_/g, ' ') : undefined;
}

export const watchguard: Profile = {
  id: 'watchguard',
  vendor: 'WatchGuard',
  class: 'firewall',
  match: (sys) => (enterprise(sys.sysObjectID) === 3097 ? SCORE.exact : 0),
  async collect(ctx) {
    const v = await scalars(ctx, S);
    const cpu = num(v.cpu1m);
    const points: Point[] = [];
    pushAll(
      points,
      systemPoint({ cpu_pct: cpu === undefined ? undefined : round(cpu / 100) }),
      firewallPoint({ sessions: num(v.conns) }),
      licensePoint('feature_key', parseExpiry(bytes(v.featureKeyExpiry)), ctx.now),
    );
    return {
      identity: { vendor: 'WatchGuard', os: 'Fireware', model: watchguardModel(ctx.sys.sysDescr), version: str(v.version) },
      points,
    };
  },
};

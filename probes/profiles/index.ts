import type { DeviceClass, Identity, Point } from '../types.js';
import type { Profile, ProfileContext, ProfileOutput } from './types.js';
import { upsProfiles } from './ups/index.js';
import { firewallProfiles } from './firewall/index.js';
import { switchProfiles } from './switch/index.js';
import { nasProfiles } from './nas/index.js';
import { genericCollectors } from './generic/index.js';
import { vendorFromSysObjectID } from './enterprises.js';
import { SnmpError } from '../snmp/session.js';

/** The one registry of vendor profiles (STYLE.md 1): families are listed here and nowhere else. */
export const profiles: readonly Profile[] = [...upsProfiles, ...firewallProfiles, ...switchProfiles, ...nasProfiles];

/** Highest-scoring profile for this system group, or undefined when none claims it. Ties go to the first listed. */
export function selectProfile(sys: ProfileContext['sys'], candidates: readonly Profile[] = profiles): Profile | undefined {
  let best: Profile | undefined;
  let bestScore = 0;
  for (const p of candidates) {
    const s = p.match(sys);
    if (s > bestScore) {
      best = p;
      bestScore = s;
    }
  }
  return best;
}

export interface Collected {
  identity: Identity;
  points: Point[];
  errors: string[];
}

/** When only generic MIBs speak, the most specific class they reveal wins. */
const HINT_PRIORITY: DeviceClass[] = ['ups', 'firewall', 'switch', 'nas', 'printer', 'wireless', 'server'];

function seriesKey(p: Point): string {
  const tags = Object.keys(p.tags)
    .sort()
    .map((k) => `${k}=${p.tags[k]}`)
    .join(',');
  return `${p.measurement}|${tags}`;
}

/**
 * Identify the device and collect everything its profile and the generic MIBs read. A timeout or a table that
 * fails is recorded in `errors` and the rest still runs: partial data beats none. Only a failure of the whole
 * agent (every source failing with timeout) is rethrown, so the caller reports the device down.
 */
export async function collectProfiles(ctx: ProfileContext): Promise<Collected> {
  const profile = selectProfile(ctx.sys);
  const errors: string[] = [];
  const outputs: ProfileOutput[] = [];
  const hints: DeviceClass[] = [];
  const run = async (id: string, fn: () => Promise<ProfileOutput>) => {
    try {
      const out = await fn();
      outputs.push(out);
      if (out.errors) errors.push(...out.errors.map((e) => `${id}: ${e}`));
      if (out.classHint) hints.push(out.classHint);
    } catch (err) {
      if (err instanceof SnmpError) {
        if (err.code === 'aborted') throw err;
        errors.push(`${id}: ${err.message}`);
        return;
      }
      // A profile bug must not silence the device: keep the rest and say which profile failed.
      errors.push(`${id}: internal error: ${(err as Error).message}`);
      ctx.log.error({ err, profile: id }, 'profile threw');
    }
  };
  for (const g of genericCollectors) {
    if (profile?.covers?.includes(g.id)) continue;
    const inv = g.inventory ? ctx.inventory : undefined;
    const kept = inv?.reuse ? inv.outputs.get(g.id) : undefined;
    if (kept) {
      outputs.push(kept);
      continue;
    }
    const n = outputs.length;
    await run(g.id, () => g.collect(ctx));
    // Kept only when it answered: a failed read is retried next poll, so identity is never lost to one timeout.
    if (inv && outputs.length > n && !outputs[n]!.errors?.length) inv.outputs.set(g.id, outputs[n]!);
  }
  if (profile) await run(profile.id, () => profile.collect(ctx));

  const merged = new Map<string, Point>();
  const identity: Partial<Identity> = {};
  for (const out of outputs) {
    for (const [k, v] of Object.entries(out.identity ?? {})) if (v !== undefined && v !== '') (identity as Record<string, unknown>)[k] = v;
    for (const p of out.points) {
      const key = seriesKey(p);
      const prev = merged.get(key);
      if (prev) Object.assign(prev.fields, p.fields);
      else merged.set(key, { ...p, fields: { ...p.fields } });
    }
  }
  const hinted = HINT_PRIORITY.find((c) => hints.includes(c));
  // A profile can learn more than its match() could (Synology hides behind a plain Linux sysObjectID and is
  // recognised by the Linux profile's first GET), so the class and profile id it reports win.
  const cls: DeviceClass = identity.class ?? profile?.class ?? hinted ?? 'unknown';
  return {
    identity: {
      ...identity,
      class: cls,
      vendor: identity.vendor ?? profile?.vendor ?? vendorFromSysObjectID(ctx.sys.sysObjectID),
      sysName: ctx.sys.sysName,
      sysDescr: ctx.sys.sysDescr,
      sysObjectID: ctx.sys.sysObjectID,
      sysLocation: ctx.sys.sysLocation,
      sysContact: ctx.sys.sysContact,
      profile: identity.profile ?? profile?.id ?? 'generic',
    },
    points: [...merged.values()],
    errors,
  };
}

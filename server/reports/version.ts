/**
 * Firmware version comparison as vendors write versions: `7.2.6` < `7.10.1` (numeric, not string, order),
 * `v7.0.12,build0523 (GA)`, `7.1.1-42962 Update 6`, `9.14(3)18`, `6.8.2`. The first dotted number is the
 * release; numbers after it (build, update, patch in brackets) break ties in order; an alpha/beta/rc tag ranks
 * below the same release without one.
 */
export interface ParsedVersion {
  release: number[];
  build: number[];
  prerelease: boolean;
}

export function parseVersion(raw: string): ParsedVersion | undefined {
  const s = raw.trim();
  const m = /(?:^|[^0-9A-Za-z])[vVrR]?(\d+(?:\.\d+)*)/.exec(` ${s}`);
  if (!m) return undefined;
  const release = m[1]!.split('.').map(Number);
  const rest = ` ${s}`.slice(m.index + m[0].length);
  // A date in brackets after the version ("(2023-05-12)") is not a build number: drop it.
  const tail = rest.replace(/\b\d{4}-\d{2}-\d{2}\b/g, ' ');
  const build = [...tail.matchAll(/\d+/g)].map((x) => Number(x[0]));
  return { release, build, prerelease: /(alpha|beta|\brc\d*|pre|preview|dev)/i.test(tail) };
}

function compareLists(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** -1, 0 or 1; undefined when either side has no number in it (nothing sensible to compare). */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return undefined;
  const r = compareLists(pa.release, pb.release);
  if (r !== 0) return r as -1 | 1;
  if (pa.prerelease !== pb.prerelease) return pa.prerelease ? -1 : 1;
  // A minimum without a build ("7.2.6") is met by every build of that release.
  if (pb.build.length === 0 || pa.build.length === 0) return 0;
  return compareLists(pa.build, pb.build) as -1 | 0 | 1;
}

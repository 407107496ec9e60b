import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../../server/version.js';
import type { BenchCaseResult } from './common.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Gzipped JS + CSS the browser downloads, against the same files uncompressed. */
export function benchUi(dir = join(PACKAGE_ROOT, 'ui', 'dist')): BenchCaseResult {
  if (!existsSync(dir)) {
    return { rows: [{ case: 'UI', metric: 'gzipped JS+CSS', outpost: 'not built', anchor: 'ui/dist missing', anchorValue: '' }], detail: { built: false } };
  }
  let raw = 0;
  let gz = 0;
  const assets = files(dir).filter((f) => /\.(js|mjs|css)$/.test(f));
  for (const f of assets) {
    const b = readFileSync(f);
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  return {
    rows: [{ case: 'UI', metric: 'gzipped JS+CSS kB', outpost: gz / 1024, anchor: 'same files uncompressed kB', anchorValue: raw / 1024, ratio: gz / raw, note: `${assets.length} files` }],
    detail: { built: true, files: assets.length, rawBytes: raw, gzipBytes: gz },
  };
}

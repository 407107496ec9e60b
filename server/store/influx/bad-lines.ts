import { parseLine } from './line-protocol.js';

/**
 * Which lines of a refused batch a server's error names, as indexes into `lines`. Understands:
 * - 1.x and 2.x parse errors: `unable to parse '<line>': reason` (several, newline-separated, in 1.x);
 * - 1.x/2.x field type conflicts: `input field "F" on measurement "M" is type T, already exists as type U`,
 *   which names no line, so every line writing F of type T into M is bad (usually all of them are);
 * - 2.x/Cloud line numbers: `line 3: …`, and `"line": 3` / `"line_number": 3` in the JSON body.
 * An empty result means "could not tell": the sink then bisects the batch, which always converges.
 */
export function findBadLines(message: string, body: string, lines: readonly string[]): number[] {
  const bad = new Set<number>();

  if (message.includes('unable to parse')) {
    lines.forEach((line, i) => {
      if (message.includes(`unable to parse '${line}'`)) bad.add(i);
    });
  }

  // Names are printed raw (Go %s), unescaped: a quote inside a name is not escaped, so match lazily.
  const conflict = /input field "(.*?)" on measurement "(.*?)" is type (\w+)/g;
  for (const m of message.matchAll(conflict)) {
    const [field, measurement, type] = [m[1]!, m[2]!, m[3]!];
    lines.forEach((line, i) => {
      const p = parseLine(line);
      if (p && p.measurement === measurement && p.fields.get(field) === type) bad.add(i);
    });
  }

  // Line numbers only map onto records when no record spans two lines (a string field may hold a newline).
  if (!lines.some((l) => l.includes('\n'))) {
    const numbers = new Set<number>();
    for (const m of message.matchAll(/\bline (\d+):/g)) numbers.add(Number(m[1]));
    try {
      collectLineNumbers(JSON.parse(body), numbers);
    } catch {
      // Not JSON: the message text was all there was.
    }
    for (const n of numbers) if (n >= 1 && n <= lines.length) bad.add(n - 1);
  }

  return [...bad].sort((a, b) => a - b);
}

function collectLineNumbers(j: unknown, out: Set<number>, depth = 0): void {
  if (depth > 4 || j === null || typeof j !== 'object') return;
  if (Array.isArray(j)) {
    for (const x of j) collectLineNumbers(x, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(j)) {
    if ((k === 'line' || k === 'line_number') && typeof v === 'number') out.add(v);
    else collectLineNumbers(v, out, depth + 1);
  }
}

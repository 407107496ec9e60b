/**
 * Splits a server 400 message into per-field messages so a form can show each next to its input. The server
 * joins its reasons as `warn.clear: …; for: …`; Ajv schema failures read `body/for must match …`. Whatever
 * names no known field lands under `''`, for the form as a whole.
 */
export function fieldErrors<F extends string>(message: string, fields: readonly F[]): Partial<Record<F | '', string>> {
  const out: Partial<Record<F | '', string>> = {};
  const add = (k: F | '', m: string) => (out[k] = out[k] ? `${out[k]}; ${m}` : m);
  for (const part of message.split('; ')) {
    const m = /^(?:body\/)?([a-z]+)(?:[./][\w.]*)?(?::| )\s*/i.exec(part);
    const field = m && fields.find((f) => f === m[1]);
    add(field ?? '', part);
  }
  return out;
}

/** ms as the config writes a duration (`90s`, `5m`, `2h`): the largest unit that divides it exactly. */
export function durationText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms === 0 ? '0s' : `${ms}ms`;
}

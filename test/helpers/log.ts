import type { ProbeLogger } from '../../probes/types.js';

export interface LogLine {
  level: string;
  obj: unknown;
  msg?: string;
}

/** A logger that keeps every line, for tests that assert what was logged (and that secrets were not). */
export function recordingLog(): ProbeLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

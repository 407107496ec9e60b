/**
 * smartctl's exit status is a bitmask (smartctl(8) "EXIT STATUS"; names from smartctl.h), not a pass/fail code:
 * a non-zero status usually still comes with valid JSON, so every bit is decoded and reported, and the verdict
 * rules decide what each one means for the disk. Scrutiny's `LogSmartctlExitCode` does the same decoding.
 */
import type { ExitBit, ExitStatus } from './types.js';

const BITS: readonly Omit<ExitBit, 'value'>[] = [
  { bit: 0, name: 'FAILCMD', meaning: 'command line did not parse' },
  { bit: 1, name: 'FAILDEV', meaning: 'device open failed, returned no IDENTIFY data, or is in a low-power mode' },
  { bit: 2, name: 'FAILSMART', meaning: 'a SMART or other command to the disk failed, or a SMART checksum was bad' },
  { bit: 3, name: 'FAILSTATUS', meaning: 'SMART health status: DISK FAILING' },
  { bit: 4, name: 'FAILATTR', meaning: 'pre-fail attribute(s) at or below threshold now' },
  { bit: 5, name: 'FAILAGE', meaning: 'health OK, but attribute(s) at or below threshold in the past' },
  { bit: 6, name: 'FAILERR', meaning: 'the device error log contains records of errors' },
  { bit: 7, name: 'FAILLOG', meaning: 'the self-test log contains errors' },
];

/** Decode an exit status; `undefined`/null (not recorded) gives no bits rather than a guess. */
export function decodeExitStatus(code: number | null | undefined): ExitStatus {
  if (code === null || code === undefined || !Number.isInteger(code) || code < 0) return { code: null, bits: [] };
  const bits = BITS.filter((b) => (code & (1 << b.bit)) !== 0).map((b) => ({ ...b, value: 1 << b.bit }));
  return { code, bits };
}

export function hasBit(exit: ExitStatus, bit: number): boolean {
  return exit.bits.some((b) => b.bit === bit);
}

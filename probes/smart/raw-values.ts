/**
 * ATA raw values are 48 vendor-defined bits, often several counters packed together (THRESHOLDS.md §6). Reading
 * them as one number is how Seagate drives get flagged as failing (Scrutiny issues #255, #522). These decoders
 * turn the packed forms into the count a rule needs.
 */

/** The three 16-bit words of a 48-bit raw value, most significant first (smartctl's `raw16` order). */
export function rawWords16(raw: number): [number, number, number] {
  const hi = Math.floor(raw / 2 ** 32) & 0xffff;
  const mid = Math.floor(raw / 2 ** 16) & 0xffff;
  const lo = raw & 0xffff;
  return [hi, mid, lo];
}

/**
 * Seagate 188 Command_Timeout packs three counters (all timeouts, and those past two longer limits); smartctl 7.1
 * prints them as one 48-bit number (51540393996 = 12 12 12). The total is the largest of the three, which is what
 * Scrutiny takes for its "a ≤ b ≤ c → c" rule. A value that fits in 16 bits is already a plain count.
 */
export function commandTimeoutCount(raw: number, rawString: string): number {
  const spaced = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(rawString);
  if (spaced) return Math.max(Number(spaced[1]), Number(spaced[2]), Number(spaced[3]));
  if (raw <= 0xffff) return raw;
  return Math.max(...rawWords16(raw));
}

/**
 * Seagate 1 Raw_Read_Error_Rate and 7 Seek_Error_Rate: the top 16 bits count errors, the low 32 bits count
 * operations (Seagate's SMART attribute spec as quoted by Zabkar; the raw value is not an error count).
 */
export function seagateErrorRate(raw: number): { errors: number; operations: number } {
  return { errors: Math.floor(raw / 2 ** 32) & 0xffff, operations: raw % 2 ** 32 };
}

/** 194/190 temperatures: only the low byte is °C; the rest packs min/max (`26 (0 23 0 0 0)`). */
export function temperatureFromRaw(raw: number): number | undefined {
  const c = raw & 0xff;
  return c > 0 && c < 128 ? c : undefined;
}

/** Seagate and others pack more than a count into some IDs; the model names decide whether the Seagate layouts apply. */
export function isSeagate(model: string | undefined): boolean {
  if (!model) return false;
  return /^(ST\d|Seagate)/i.test(model.trim());
}

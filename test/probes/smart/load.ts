/** Loads the real smartctl captures of test/fixtures/smart (fresh copies, so a test may edit one). */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/smart/', import.meta.url));

export const captureFiles = (): string[] => readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function capture(file: string): any {
  return JSON.parse(readFileSync(FIXTURES + file, 'utf8'));
}

/** Set an ATA attribute's raw value (and its printed string) in a capture. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function setRaw(json: any, id: number, raw: number): any {
  const a = json.ata_smart_attributes.table.find((x: { id: number }) => x.id === id);
  if (!a) throw new Error(`capture has no attribute ${id}`);
  a.raw = { value: raw, string: String(raw) };
  return json;
}

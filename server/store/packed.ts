/**
 * Compact encoding of one point's numeric field values for raw storage: one row per point per poll instead of
 * one row per field. Each slot (the series' field list, in order) is a varint header, then maybe 8 bytes:
 *   0 = absent in this poll, 1 = float64 follows, even 2+2z = integer zz(z), odd 3+2z = thousandths zz(z).
 * Integers and values exact to 0.001 (percentages, temperatures, counts) take 1–4 bytes instead of 8.
 * Varint arithmetic avoids 32-bit bit operations: |integers| up to 2^50 are exact.
 */
const LIMIT = 2 ** 50;

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Scratch space for one row: grown as needed, copied out (one allocation per row, no number[] growth). */
let scratch = Buffer.allocUnsafe(256);

function pushVarint(at: number, n: number): number {
  while (n >= 0x80) {
    scratch[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  scratch[at++] = n;
  return at;
}

/** `values[i]` belongs to field i of the series; undefined = absent. */
export function packValues(values: ReadonlyArray<number | undefined>): Buffer {
  // At most 9 bytes a slot (a header byte + float64; a varint of |n| < 2^50 takes at most 8).
  if (scratch.length < values.length * 9) scratch = Buffer.allocUnsafe(values.length * 9);
  let at = 0;
  // Bytes up to the last present value: absent trailing slots are dropped (data bytes may be 0 too).
  let end = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || !Number.isFinite(v)) {
      scratch[at++] = 0;
      continue;
    } else if (Number.isInteger(v) && Math.abs(v) < LIMIT / 4) {
      at = pushVarint(at, 2 + 2 * zigzag(v));
    } else if (Math.abs(v) < LIMIT / 4000 && Math.round(v * 1000) / 1000 === v) {
      at = pushVarint(at, 3 + 2 * zigzag(Math.round(v * 1000)));
    } else {
      scratch[at++] = 1;
      scratch.writeDoubleBE(v, at);
      at += 8;
    }
    end = at;
  }
  // Absent trailing fields need no bytes: a shorter blob reads as "absent" past its end.
  return Buffer.from(scratch.subarray(0, end));
}

const f64 = new DataView(new ArrayBuffer(8));

/** Inverse of packValues; slots past the end of the blob are undefined. */
export function unpackValues(b: Uint8Array, count: number): Array<number | undefined> {
  const vals: Array<number | undefined> = new Array(count).fill(undefined);
  let at = 0;
  for (let i = 0; i < count && at < b.length; i++) {
    let h = 0;
    let mul = 1;
    for (;;) {
      const byte = b[at++];
      if (byte === undefined) throw new Error('packed values: truncated varint');
      h += (byte & 0x7f) * mul;
      if (byte < 0x80) break;
      mul *= 0x80;
    }
    if (h === 0) continue;
    if (h === 1) {
      if (at + 8 > b.length) throw new Error('packed values: truncated float');
      for (let k = 0; k < 8; k++) f64.setUint8(k, b[at + k]!);
      vals[i] = f64.getFloat64(0);
      at += 8;
    } else if (h % 2 === 0) {
      vals[i] = unzigzag((h - 2) / 2);
    } else {
      vals[i] = unzigzag((h - 3) / 2) / 1000;
    }
  }
  return vals;
}

import { readFileSync } from 'node:fs';
import { type SnmpClient, type Varbind, type SnmpValue, SnmpType, compareOid, isUnder } from './varbind.js';

/**
 * Parse snmpsim's .snmprec format (`OID|TYPE|VALUE`; a type with an `x` suffix carries hex; a `:variation`
 * suffix names an snmpsim variation module, whose value we take as the initial one).
 */
export function parseSnmprec(text: string): Varbind[] {
  const out: Varbind[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line || line.startsWith('#')) continue;
    const a = line.indexOf('|');
    const b = line.indexOf('|', a + 1);
    if (a < 0 || b < 0) continue;
    const oid = line.slice(0, a).replace(/^\./, '');
    let typeTag = line.slice(a + 1, b);
    let value = line.slice(b + 1);
    const colon = typeTag.indexOf(':');
    if (colon >= 0) {
      typeTag = typeTag.slice(0, colon);
      const m = /(?:^|,)value=([^,]*)/.exec(value);
      value = m?.[1] ?? value;
    }
    const hex = typeTag.endsWith('x');
    const type = Number(hex ? typeTag.slice(0, -1) : typeTag);
    out.push({ oid, type, value: decodeValue(type, value, hex) });
  }
  out.sort((x, y) => compareOid(x.oid, y.oid));
  return out;
}

function decodeValue(type: number, value: string, hex: boolean): SnmpValue {
  switch (type) {
    case SnmpType.Integer:
    case SnmpType.Counter32:
    case SnmpType.Gauge32:
    case SnmpType.TimeTicks:
      return Number(value);
    case SnmpType.Counter64:
      return BigInt(value || '0');
    case SnmpType.OID:
      return value.replace(/^\./, '');
    case SnmpType.IpAddress:
      return hex ? [...Buffer.from(value, 'hex')].join('.') : value;
    case SnmpType.Null:
      return null;
    default:
      return hex ? Buffer.from(value, 'hex') : Buffer.from(value, 'utf8');
  }
}

/** An SnmpClient answering from a recording, for unit tests of profiles without a network. */
export class RecordingClient implements SnmpClient {
  varbindCount = 0;
  private readonly byOid: Map<string, Varbind>;
  constructor(private readonly varbinds: Varbind[]) {
    this.byOid = new Map(varbinds.map((v) => [v.oid, v]));
  }
  static fromFile(path: string): RecordingClient {
    return new RecordingClient(parseSnmprec(readFileSync(path, 'utf8')));
  }
  async get(oids: string[]): Promise<Map<string, Varbind>> {
    const out = new Map<string, Varbind>();
    for (const oid of oids) {
      const vb = this.byOid.get(oid);
      if (vb) out.set(oid, vb);
    }
    this.varbindCount += out.size;
    return out;
  }
  async walk(base: string): Promise<Varbind[]> {
    const out = this.varbinds.filter((v) => isUnder(v.oid, base));
    this.varbindCount += out.length;
    return out;
  }
  async walkColumns(bases: string[]): Promise<Varbind[][]> {
    return Promise.all(bases.map((b) => this.walk(b)));
  }
  close(): void {}
}

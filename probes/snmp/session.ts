import snmp from 'net-snmp';
import type { SnmpCredential } from './credentials.js';
import { type SnmpClient, type Varbind, type WalkOptions, type SnmpValue, SnmpType, isException, isUnder, compareOid } from './varbind.js';
import type { ProbeErrorCode } from '../types.js';

export interface SessionOptions {
  host: string;
  port?: number;
  credential: SnmpCredential;
  timeoutMs: number;
  retries: number;
  /** GETBULK max-repetitions for this device: some embedded agents choke above 10, modern ones like 50. */
  maxRepetitions?: number;
  signal?: AbortSignal;
}

/** An SNMP failure that means "the device did not answer properly": data for the report, not a crash. */
export class SnmpError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SnmpError';
  }
}

const AUTH: Record<string, number> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};
const PRIV: Record<string, number> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes128: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

/** Map net-snmp's error zoo onto our stable codes. Messages never include credentials. */
export function classifyError(err: unknown): SnmpError {
  if (err instanceof SnmpError) return err;
  const e = err as { name?: string; message?: string; code?: string };
  const msg = e?.message ?? String(err);
  if (e?.name === 'RequestTimedOutError' || /timed? ?out/i.test(msg)) return new SnmpError('timeout', 'no response (timeout)');
  if (e?.code === 'ECONNREFUSED') return new SnmpError('refused', 'port unreachable (connection refused)');
  if (e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH') return new SnmpError('unreachable', `host unreachable (${e.code})`);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new SnmpError('no-such-host', `cannot resolve host (${e.code})`);
  // Node 20's OpenSSL 3 keeps DES in its legacy provider: say how to enable it instead of a cryptic error.
  if (/digital envelope routines::unsupported/.test(msg)) {
    return new SnmpError('protocol', 'DES privacy needs OpenSSL\'s legacy provider: run node with --openssl-legacy-provider (the outpost command and systemd unit do)');
  }
  if (/usmStats|authentication|decrypt|digest|unknown user|engine/i.test(msg)) return new SnmpError('auth', `SNMPv3 rejected: ${msg}`);
  if (e?.name === 'RequestFailedError' || e?.name === 'ResponseInvalidError') return new SnmpError('protocol', msg);
  return new SnmpError('protocol', msg);
}

type RawVarbind = { oid: string; type: number; value: unknown };

/** Counter64 arrives as a big-endian Buffer; everything numeric that fits a double stays a number. */
function normalise(vb: { oid: string; type: number; value: unknown }): Varbind {
  let value = vb.value as SnmpValue;
  if (vb.type === SnmpType.Counter64 && Buffer.isBuffer(value)) {
    let n = 0n;
    for (const byte of value) n = (n << 8n) | BigInt(byte);
    value = n;
  }
  return { oid: vb.oid, type: vb.type, value };
}

/** The real client: one net-snmp session per poll, closed when the poll ends or is aborted. */
export class NetSnmpClient implements SnmpClient {
  varbindCount = 0;
  private readonly session: ReturnType<typeof snmp.createSession>;
  private readonly v1: boolean;
  private readonly maxRep: number;
  private closed = false;

  constructor(opts: SessionOptions) {
    const base = {
      port: opts.port ?? 161,
      retries: opts.retries,
      timeout: opts.timeoutMs,
      transport: opts.host.includes(':') ? 'udp6' : 'udp4',
      idBitsSize: 32,
    };
    const c = opts.credential;
    this.maxRep = opts.maxRepetitions ?? 25;
    if (c.version === '3') {
      const user: Record<string, unknown> = { name: c.user, level: snmp.SecurityLevel.noAuthNoPriv };
      if (c.auth) {
        user.level = snmp.SecurityLevel.authNoPriv;
        user.authProtocol = AUTH[c.auth.protocol];
        user.authKey = c.auth.key;
      }
      if (c.auth && c.priv) {
        user.level = snmp.SecurityLevel.authPriv;
        user.privProtocol = PRIV[c.priv.protocol];
        user.privKey = c.priv.key;
      }
      this.session = snmp.createV3Session(opts.host, user, { ...base, version: snmp.Version3, context: c.context ?? '' });
      this.v1 = false;
    } else {
      this.v1 = c.version === '1';
      this.session = snmp.createSession(opts.host, c.community, { ...base, version: this.v1 ? snmp.Version1 : snmp.Version2c });
    }
    // Socket errors (ICMP unreachable surfaces here on Linux) must not become uncaught exceptions.
    this.session.on('error', () => {});
    opts.signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  get(oids: string[]): Promise<Map<string, Varbind>> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SnmpError('aborted', 'poll cut at its timeout'));
      this.session.get(oids, (err: unknown, vbs: Array<{ oid: string; type: number; value: unknown }>) => {
        if (err) {
          // SNMPv1 answers a GET with one missing OID by failing the whole PDU (noSuchName): retry one by one.
          const e = err as { name?: string; status?: number };
          if (this.v1 && e?.name === 'RequestFailedError' && oids.length > 1) {
            Promise.all(oids.map((o) => this.get([o]).catch(() => new Map<string, Varbind>())))
              .then((maps) => resolve(new Map(maps.flatMap((m) => [...m]))))
              .catch(reject);
            return;
          }
          if (this.v1 && e?.name === 'RequestFailedError') return resolve(new Map());
          return reject(classifyError(err));
        }
        const out = new Map<string, Varbind>();
        for (const vb of vbs) {
          if (snmp.isVarbindError(vb) || isException(vb.type)) continue;
          out.set(vb.oid, normalise(vb));
        }
        this.varbindCount += vbs.length;
        resolve(out);
      });
    });
  }

  private bulk(oid: string, maxRep: number): Promise<Array<{ oid: string; type: number; value: unknown }>> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SnmpError('aborted', 'poll cut at its timeout'));
      const cb = (err: unknown, vbs: Array<{ oid: string; type: number; value: unknown }>) => {
        if (err) {
          const e = err as { name?: string };
          // v1 signals the end of the MIB view with noSuchName on GETNEXT.
          if (this.v1 && e?.name === 'RequestFailedError') return resolve([]);
          return reject(classifyError(err));
        }
        resolve(this.v1 ? vbs : (vbs as unknown as Array<Array<{ oid: string; type: number; value: unknown }>>)[0] ?? []);
      };
      if (this.v1) this.session.getNext([oid], cb);
      else this.session.getBulk([oid], 0, maxRep, cb as never);
    });
  }

  async walk(base: string, opts: WalkOptions = {}): Promise<Varbind[]> {
    const out: Varbind[] = [];
    const limit = opts.maxVarbinds ?? 100_000;
    const maxRep = opts.maxRepetitions ?? this.maxRep;
    let cursor = base;
    for (;;) {
      const vbs = await this.bulk(cursor, maxRep);
      this.varbindCount += vbs.length;
      if (vbs.length === 0) return out;
      for (const vb of vbs) {
        if (snmp.isVarbindError(vb) || isException(vb.type) || !isUnder(vb.oid, base)) return out;
        // An agent that answers with a non-increasing OID would loop forever: stop there.
        if (compareOid(vb.oid, cursor) <= 0) return out;
        out.push(normalise(vb));
        cursor = vb.oid;
        if (out.length >= limit) return out;
      }
    }
  }

  private bulkMany(oids: string[], maxRep: number): Promise<RawVarbind[][]> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SnmpError('aborted', 'poll cut at its timeout'));
      const cb = (err: unknown, vbs: unknown[]) => {
        if (err) {
          const e = err as { name?: string };
          if (this.v1 && e?.name === 'RequestFailedError') return resolve(oids.map(() => []));
          return reject(classifyError(err));
        }
        // v1 GETNEXT answers one varbind per OID; v2c/v3 GETBULK answers one array of repetitions per OID.
        resolve(this.v1 ? (vbs as RawVarbind[]).map((v) => [v]) : (vbs as RawVarbind[][]));
      };
      if (this.v1) this.session.getNext(oids, cb as never);
      else this.session.getBulk(oids, 0, maxRep, cb as never);
    });
  }

  async walkColumns(bases: string[], opts: WalkOptions = {}): Promise<Varbind[][]> {
    const out: Varbind[][] = bases.map(() => []);
    const limit = opts.maxVarbinds ?? 100_000;
    const cursors = [...bases];
    const active = bases.map((_, i) => i);
    // Keep the response near maxRepetitions varbinds whatever the column count, so small agents cope.
    const perCol = Math.max(1, Math.floor((opts.maxRepetitions ?? this.maxRep) / Math.max(1, Math.min(bases.length, 4))));
    let total = 0;
    while (active.length) {
      const res = await this.bulkMany(active.map((i) => cursors[i]!), perCol);
      const still: number[] = [];
      active.forEach((colIdx, k) => {
        const base = bases[colIdx]!;
        let done = false;
        for (const vb of res[k] ?? []) {
          this.varbindCount++;
          if (snmp.isVarbindError(vb) || isException(vb.type) || !isUnder(vb.oid, base) || compareOid(vb.oid, cursors[colIdx]!) <= 0) {
            done = true;
            break;
          }
          out[colIdx]!.push(normalise(vb));
          cursors[colIdx] = vb.oid;
          total++;
        }
        if (!done && (res[k]?.length ?? 0) > 0 && total < limit) still.push(colIdx);
      });
      active.splice(0, active.length, ...still);
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.session.close();
    } catch {
      /* already closed */
    }
  }
}

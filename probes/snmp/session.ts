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

/**
 * Counter64 arrives as a big-endian Buffer; everything numeric that fits a double stays a number. net-snmp hands
 * out a fresh object per varbind, so it is converted in place rather than copied (one allocation less per varbind).
 */
function normalise(vb: RawVarbind): Varbind {
  const value = vb.value;
  if (vb.type === SnmpType.Counter64 && Buffer.isBuffer(value)) {
    let n = 0n;
    for (const byte of value) n = (n << 8n) | BigInt(byte);
    vb.value = n;
  }
  return vb as Varbind;
}

/**
 * The real client: one net-snmp session (one UDP socket; for SNMPv3 the localised keys and the discovered engine
 * id/boots/time) kept per device across polls by its owner (the scheduler's SessionSlot), or opened for one poll
 * and closed (one-shot probes). `reusable` tells the owner whether the next poll may use it again.
 */
export class NetSnmpClient implements SnmpClient {
  varbindCount = 0;
  private readonly session: ReturnType<typeof snmp.createSession>;
  private readonly v1: boolean;
  private readonly maxRep: number;
  private _closed = false;
  private readonly pending = new Set<() => void>();
  private broken = false;

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
    // Socket errors (ICMP unreachable, an undecodable datagram) must not become uncaught exceptions; a session
    // that reported one finishes its poll but is not trusted for the next.
    this.session.on('error', () => {
      this.broken = true;
    });
    this.session.on('close', () => {
      this._closed = true;
    });
    if (opts.signal) this.attach(opts.signal);
  }

  /** False once closed (by its owner, an abort, the socket) or after a socket error: the owner opens a new one. */
  get reusable(): boolean {
    return !this._closed && !this.broken;
  }

  /**
   * Tie this client to one poll's abort signal: an abort closes it (in-flight requests fail at once, the next
   * poll opens a fresh session). Returns the detach function to call when the poll ends.
   */
  attach(signal: AbortSignal): () => void {
    const onAbort = () => this.close();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }

  /**
   * A request that fails with `aborted` as soon as the client is closed, even when net-snmp never calls back (a
   * datagram still queued in the socket when it closes is dropped silently).
   */
  private request<T>(run: (resolve: (v: T) => void, reject: (e: unknown) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this._closed) return reject(new SnmpError('aborted', 'poll cut at its timeout'));
      const cancel = () => reject(new SnmpError('aborted', 'poll cut at its timeout'));
      this.pending.add(cancel);
      run(
        (v) => {
          this.pending.delete(cancel);
          resolve(v);
        },
        (e) => {
          this.pending.delete(cancel);
          reject(e);
        },
      );
    });
  }

  get(oids: string[]): Promise<Map<string, Varbind>> {
    return this.request((resolve, reject) => {
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
    return this.request((resolve, reject) => {
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
    return this.request((resolve, reject) => {
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
    const maxRep = opts.maxRepetitions ?? this.maxRep;
    const cursors = bases.slice();
    let active = bases.map((_, i) => i);
    let total = 0;
    while (active.length) {
      // Keep the response near maxRepetitions varbinds per column group whatever the column count, so small agents
      // cope; recomputed each round so the last long columns are not walked a few rows at a time.
      const perCol = Math.max(1, Math.floor(maxRep / Math.min(active.length, 4)));
      const req: string[] = new Array(active.length);
      for (let k = 0; k < active.length; k++) req[k] = cursors[active[k]!]!;
      const res = await this.bulkMany(req, perCol);
      const still: number[] = [];
      for (let k = 0; k < active.length; k++) {
        const colIdx = active[k]!;
        const base = bases[colIdx]!;
        const col = out[colIdx]!;
        const vbs = res[k] ?? [];
        let cursor = cursors[colIdx]!;
        let done = false;
        for (const vb of vbs) {
          this.varbindCount++;
          if (snmp.isVarbindError(vb) || isException(vb.type) || !isUnder(vb.oid, base) || compareOid(vb.oid, cursor) <= 0) {
            done = true;
            break;
          }
          col.push(normalise(vb));
          cursor = vb.oid;
          total++;
        }
        cursors[colIdx] = cursor;
        if (!done && vbs.length > 0 && total < limit) still.push(colIdx);
      }
      active = still;
    }
    return out;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const cancel of this.pending) cancel();
    this.pending.clear();
    try {
      this.session.close();
    } catch {
      /* already closed */
    }
  }
}

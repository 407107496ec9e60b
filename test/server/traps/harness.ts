import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Value } from '@sinclair/typebox/value';
import type { DeviceSample } from '../../../server/alerts/types.js';
import type { SnmpCredential } from '../../../probes/snmp/credentials.js';
import { TrapReceiver, TrapConfigSchema, type TrapConfig, type TrapDevice } from '../../../server/traps/index.js';

/**
 * Shared by the trap tests: a real TrapReceiver on 127.0.0.1 and Debian's net-snmp `snmptrap` to talk to it.
 * snmptrap keeps v3 engine boots in a persistent dir and reads user config from ~/.snmp: both point at a temp
 * dir so a developer's own snmp config never changes what the tests send.
 */
const run = promisify(execFile);

export const V3 = { user: 'trapper', auth: 'auth-pass-123', priv: 'priv-pass-456', engineId: '0x80001f8880aabbccdd11223344' } as const;

export const CREDENTIALS: Record<string, SnmpCredential> = {
  lan: { version: '2c', community: 'lan-secret' },
  old: { version: '1', community: 'v1-secret' },
  mgmt: { version: '3', user: V3.user, auth: { protocol: 'sha', key: V3.auth }, priv: { protocol: 'aes128', key: V3.priv } },
};

export interface Harness {
  receiver: TrapReceiver;
  samples: DeviceSample[];
  port: number;
  /** Resolves with the next sample, or rejects after `ms`. */
  nextSample(ms?: number): Promise<DeviceSample>;
  snmptrap(args: string[]): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export function trapConfig(port: number, extra: Partial<TrapConfig> = {}): TrapConfig {
  return Value.Default(TrapConfigSchema, { port, address: '127.0.0.1', ...extra }) as TrapConfig;
}

export async function startReceiver(
  t: Teardown,
  port: number,
  opts: { resolveDevice?: (a: string) => TrapDevice | undefined; config?: Partial<TrapConfig>; credentials?: Record<string, SnmpCredential> } = {},
): Promise<Harness> {
  const samples: DeviceSample[] = [];
  const waiters: Array<(s: DeviceSample) => void> = [];
  const receiver = new TrapReceiver({
    config: trapConfig(port, opts.config),
    credentials: opts.credentials ?? CREDENTIALS,
    resolveDevice: opts.resolveDevice ?? ((a) => (a === '127.0.0.1' ? { name: 'ups1', class: 'ups', parent: 'core-sw' } : undefined)),
    onSample: (s) => {
      samples.push(s);
      waiters.shift()?.(s);
    },
    site: 'test-site',
  });
  await receiver.start();
  t.teardown(() => receiver.stop());
  const home = mkdtempSync(join(tmpdir(), 'outpost-snmptrap-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, SNMPCONFPATH: home, SNMP_PERSISTENT_DIR: home, MIBS: '', MIBDIRS: home, HOME: home };
  return {
    receiver,
    samples,
    port,
    nextSample(ms = 5000) {
      return new Promise((resolve, reject) => {
        const waiter = (s: DeviceSample) => {
          clearTimeout(timer);
          resolve(s);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no sample within ${ms} ms`));
        }, ms);
        waiters.push(waiter);
      });
    },
    async snmptrap(args: string[]) {
      await run('snmptrap', args, { env, timeout: 10_000 });
    },
  };
}

/** Poll `check` until it holds or `ms` passes: UDP is asynchronous, counters move a moment after sendto. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

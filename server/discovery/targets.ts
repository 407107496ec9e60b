/**
 * Which addresses a sweep may touch. The list is computed here, explicitly, and handed to fping as
 * arguments (never `fping -g`), so "nothing outside the configured subnets is probed" is a property of one
 * pure function that the tests check address by address.
 */

/** The largest subnet a sweep accepts: /22 is 1022 hosts, a big office; anything larger is a scan. */
export const MAX_PREFIX = 22;

export interface Cidr {
  network: number;
  prefix: number;
}

function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`${ip} is not an IPv4 address`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`${ip} is not an IPv4 address`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `192.168.1.0/24` → network and prefix. Host bits must be zero: `192.168.1.7/24` is a typo worth flagging. */
export function parseCidr(s: string): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m) throw new Error(`${JSON.stringify(s)} is not CIDR notation (a.b.c.d/len)`);
  const addr = ipToInt(m[1]!);
  const prefix = Number(m[2]);
  if (prefix > 32) throw new Error(`${s}: prefix length must be 0..32`);
  if (prefix < MAX_PREFIX) throw new Error(`${s} is larger than /${MAX_PREFIX} (${2 ** (32 - prefix)} addresses): split it into /${MAX_PREFIX} or smaller subnets`);
  const size = 2 ** (32 - prefix);
  if (addr % size !== 0) throw new Error(`${s}: host bits are set; the network is ${intToIp(addr - (addr % size))}/${prefix}`);
  return { network: addr, prefix };
}

/** Host addresses of a subnet: network and broadcast are left out, except in /31 and /32 where every address is a host. */
export function hostsOf(c: Cidr): string[] {
  const size = 2 ** (32 - c.prefix);
  if (size <= 2) return Array.from({ length: size }, (_, i) => intToIp(c.network + i));
  return Array.from({ length: size - 2 }, (_, i) => intToIp(c.network + 1 + i));
}

/** Every host of every subnet, once, in order. Throws for a bad or too-large subnet. */
export function sweepTargets(subnets: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const s of subnets) for (const h of hostsOf(parseCidr(s))) seen.add(h);
  return [...seen];
}

export function inSubnets(ip: string, subnets: readonly string[]): boolean {
  let n: number;
  try {
    n = ipToInt(ip);
  } catch {
    return false;
  }
  return subnets.some((s) => {
    const c = parseCidr(s);
    return n >= c.network && n < c.network + 2 ** (32 - c.prefix);
  });
}

/**
 * fping arguments for an alive-sweep: one try (-r 0), 300 ms per reply, `-i` spaces packets to respect the
 * rate limit, and the explicit target list last.
 */
export function fpingArgs(targets: readonly string[], ratePerSecond: number): string[] {
  const intervalMs = Math.max(1, Math.ceil(1000 / ratePerSecond));
  return ['-a', '-q', '-r', '0', '-t', '300', '-i', String(intervalMs), ...targets];
}

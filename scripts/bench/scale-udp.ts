/**
 * Datagrams the kernel dropped at one process's UDP sockets (receive buffer full), from the `drops` column of
 * /proc/net/udp{,6} matched to the process's socket inodes. The scale bench samples it in the Outpost child and
 * the replay front so a lost datagram is attributed to a side instead of guessed from system-wide counters.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

function socketInodes(pid: number | 'self'): Set<string> {
  const out = new Set<string>();
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // The fd closed between readdir and readlink.
    }
  }
  return out;
}

/** Drop count per socket inode of `pid`, for its open UDP sockets. */
export function udpDropsByInode(pid: number | 'self'): Map<string, number> {
  const mine = socketInodes(pid);
  const out = new Map<string, number>();
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
      const inode = f[9];
      const drops = Number(f[12]);
      if (inode && mine.has(inode) && Number.isFinite(drops)) out.set(inode, drops);
    }
  }
  return out;
}

/**
 * Samples a process's UDP drops every `everyMs`, keeping each socket's highest count so sockets closed during the
 * run (a session re-opened after an abort) still count up to their last sample.
 */
export class UdpDropSampler {
  private seen = new Map<string, number>();
  private timer: NodeJS.Timeout;
  constructor(
    private readonly pid: number | 'self',
    everyMs = 2000,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }
  sample(): void {
    for (const [inode, d] of udpDropsByInode(this.pid)) this.seen.set(inode, Math.max(d, this.seen.get(inode) ?? 0));
  }
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    let total = 0;
    for (const d of this.seen.values()) total += d;
    return total;
  }
}

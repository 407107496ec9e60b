import { execFileSync } from 'node:child_process';

export interface TestHost {
  /** Address of the host side of the veth pair (this machine). */
  local: string;
  /** Address inside the namespace: answers ping, runs nothing else. */
  answering: string;
  /** In the same /29 but assigned to nobody: ARP fails, so it never answers. */
  silent: string;
  ns: string;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A test host in a network namespace joined by a veth pair (needs root, as in CI). The only addresses the
 * tests ever send to are this namespace's: `10.199.<third>.0/29`, never anything outside the machine.
 */
export function makeTestHost(third: number): TestHost {
  const tag = `${third}-${process.pid % 10000}`;
  const ns = `optest-${tag}`;
  const host = `opv${tag}`.slice(0, 15);
  const peer = `opp${tag}`.slice(0, 15);
  const net = `10.199.${third}`;
  const remove = () => {
    try {
      ip('netns', 'del', ns);
    } catch {
      /* already gone */
    }
    try {
      ip('link', 'del', host);
    } catch {
      /* removed with the namespace */
    }
  };
  remove();
  ip('netns', 'add', ns);
  ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
  ip('link', 'set', peer, 'netns', ns);
  ip('addr', 'add', `${net}.1/29`, 'dev', host);
  ip('link', 'set', host, 'up');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${net}.2/29`, 'dev', peer);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up');
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  return { local: `${net}.1`, answering: `${net}.2`, silent: `${net}.3`, ns, remove };
}

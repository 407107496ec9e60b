/**
 * Outpost's pingHosts() in a process of its own, the way the appliance runs it: one cycle after the other in
 * a long-lived process. Prints the CPU of this process plus its waited-for children (fping) spent inside the
 * first cycle (cold: modules just loaded, nothing compiled yet) and, averaged, inside the cycles after it.
 *   node ping-child.js COUNT CYCLES HOST...
 */
import { pingHosts } from '../../probes/ping/index.js';
import { silentLogger } from '../../probes/types.js';
import { procCpu } from './common.js';

const [countArg, cyclesArg, ...hosts] = process.argv.slice(2);
const count = Number(countArg);
const cycles = Number(cyclesArg);
if (!count || !(cycles >= 1) || hosts.length === 0) {
  console.error('usage: ping-child COUNT CYCLES HOST...');
  process.exit(2);
}

/** One cycle's CPU: node's own (all its threads) and fping's. */
async function cycle(): Promise<{ nodeCpu: number; fpingCpu: number; up: number }> {
  const before = procCpu('self');
  const cpu0 = process.cpuUsage();
  const res = await pingHosts(hosts, { count, periodMs: 1000, timeoutMs: 1000, log: silentLogger });
  const used = process.cpuUsage(cpu0);
  const after = procCpu('self');
  let up = 0;
  for (const r of res.values()) if (r.ok) up++;
  return { nodeCpu: (used.user + used.system) / 1e6, fpingCpu: after.children - before.children, up };
}

const cold = await cycle();
const warm = { nodeCpu: 0, fpingCpu: 0, up: hosts.length };
for (let i = 0; i < cycles; i++) {
  const c = await cycle();
  warm.nodeCpu += c.nodeCpu / cycles;
  warm.fpingCpu += c.fpingCpu / cycles;
  warm.up = Math.min(warm.up, c.up);
}
console.log(JSON.stringify({ cold, warm, hosts: hosts.length }));

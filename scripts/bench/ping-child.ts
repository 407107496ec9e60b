/**
 * Outpost's pingHosts() in a process of its own: prints the CPU of this process plus its waited-for children
 * (fping) spent inside the call, and how many hosts answered.  node ping-child.js COUNT HOST...
 */
import { pingHosts } from '../../probes/ping/index.js';
import { silentLogger } from '../../probes/types.js';
import { procCpu } from './common.js';

const [countArg, ...hosts] = process.argv.slice(2);
const count = Number(countArg);
if (!count || hosts.length === 0) {
  console.error('usage: ping-child COUNT HOST...');
  process.exit(2);
}
const before = procCpu('self');
const cpu0 = process.cpuUsage();
const res = await pingHosts(hosts, { count, periodMs: 1000, timeoutMs: 1000, log: silentLogger });
const used = process.cpuUsage(cpu0);
const after = procCpu('self');
let up = 0;
for (const r of res.values()) if (r.ok) up++;
console.log(JSON.stringify({ nodeCpu: (used.user + used.system) / 1e6, fpingCpu: after.children - before.children, up, hosts: res.size }));

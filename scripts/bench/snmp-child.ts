/**
 * Outpost's full SNMP poll in a process of its own, so its CPU can be read without the harness:
 * walk + decode + rates (collectSnmp) + tagging + EmbeddedStore write and flush, for each device, N rounds.
 *   node snmp-child.js PORT ROUNDS STORE_DIR COMMUNITY...
 * Prints one JSON line: { cpuSeconds, varbinds, polls, points, failed }.
 */
import { collectSnmp, closeSession, snmpStats, type SessionSlot } from '../../probes/snmp/index.js';
import { CounterState } from '../../probes/snmp/counters.js';
import { InventoryState } from '../../probes/snmp/inventory.js';
import { silentLogger, type Point } from '../../probes/types.js';
import { EmbeddedStore } from '../../server/store/embedded.js';

const [portArg, roundsArg, storeDir, ...communities] = process.argv.slice(2);
const port = Number(portArg);
const rounds = Number(roundsArg);
if (!port || !rounds || !storeDir || communities.length === 0) {
  console.error('usage: snmp-child PORT ROUNDS STORE_DIR COMMUNITY...');
  process.exit(2);
}

const store = new EmbeddedStore(storeDir, { rawMs: 7 * 86_400_000, fiveMinMs: 90 * 86_400_000, hourlyMs: 730 * 86_400_000 });
const counters = new Map(communities.map((c) => [c, new CounterState()]));
// One session per device kept across polls, as the scheduler keeps them.
const sessions = new Map<string, SessionSlot>(communities.map((c) => [c, {}]));
const inventories = new Map(communities.map((c) => [c, new InventoryState()]));
let failed = 0;
let points = 0;

async function round(now: number): Promise<void> {
  for (const community of communities) {
    const r = await collectSnmp(
      { host: '127.0.0.1', port, credential: { version: '2c', community } },
      { log: silentLogger, now, timeoutMs: 10_000, retries: 1, counters: counters.get(community), maxGapMs: 10 * 60_000, session: sessions.get(community), inventory: inventories.get(community) },
    );
    if (!r.ok) failed++;
    // As the scheduler does: site/device tags and the poll time on every point.
    const tags = { site: 'bench', device: community };
    const pts: Point[] = r.points.map((p) => ({ ...p, tags: { ...p.tags, ...tags }, time: p.time ?? now }));
    points += pts.length;
    store.write(community, pts);
  }
  store.flush();
}

// One warm-up round (JIT, module loading, first series inserts) is not counted: a running appliance is past it.
const t0 = Date.now();
await round(t0);
const before = process.cpuUsage();
const vb0 = snmpStats.varbinds;
const polls0 = snmpStats.polls;
points = 0;
failed = 0;
for (let i = 1; i <= rounds; i++) await round(t0 + i * 60_000);
const used = process.cpuUsage(before);
for (const s of sessions.values()) closeSession(s);
store.close();
console.log(
  JSON.stringify({
    cpuSeconds: (used.user + used.system) / 1e6,
    varbinds: snmpStats.varbinds - vb0,
    polls: snmpStats.polls - polls0,
    points,
    failed,
  }),
);

import type BetterSqlite3 from 'better-sqlite3';
import type { Identified } from './identify.js';
import type { Proposal } from './schema.js';
import type { DeviceClass } from '../../probes/types.js';

type Status = Proposal['status'];

interface Row {
  address: string;
  sys_name: string | null;
  class: string;
  vendor: string | null;
  model: string | null;
  version: string | null;
  sys_object_id: string | null;
  sys_descr: string | null;
  credential: string | null;
  first_seen: number;
  last_seen: number;
  status: string;
}

/** Discovery proposals in the embedded store: one row per address, its status decided by a tech. */
export class ProposalStore {
  constructor(private readonly db: BetterSqlite3.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS discovery_proposals (
      address TEXT PRIMARY KEY, sys_name TEXT, class TEXT NOT NULL, vendor TEXT, model TEXT, version TEXT,
      sys_object_id TEXT, sys_descr TEXT, credential TEXT, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'ignored')))`);
  }

  /** Record what a sweep saw. The status a tech chose (ignored, accepted) survives rescans. */
  upsert(found: Identified, at: number): Proposal {
    this.db
      .prepare(
        `INSERT INTO discovery_proposals (address, sys_name, class, vendor, model, version, sys_object_id, sys_descr, credential, first_seen, last_seen)
         VALUES (@address, @sysName, @class, @vendor, @model, @version, @sysObjectID, @sysDescr, @credential, @at, @at)
         ON CONFLICT (address) DO UPDATE SET sys_name = excluded.sys_name, class = excluded.class, vendor = excluded.vendor, model = excluded.model,
           version = excluded.version, sys_object_id = excluded.sys_object_id, sys_descr = excluded.sys_descr, credential = excluded.credential, last_seen = excluded.last_seen`,
      )
      .run({
        address: found.address,
        sysName: found.sysName ?? null,
        class: found.class,
        vendor: found.vendor ?? null,
        model: found.model ?? null,
        version: found.version ?? null,
        sysObjectID: found.sysObjectID ?? null,
        sysDescr: found.sysDescr ?? null,
        credential: found.credential ?? null,
        at,
      });
    return this.get(found.address)!;
  }

  get(address: string): Proposal | undefined {
    const r = this.db.prepare('SELECT * FROM discovery_proposals WHERE address = ?').get(address) as Row | undefined;
    return r ? toProposal(r) : undefined;
  }

  list(status?: Status): Proposal[] {
    const rows = (status ? this.db.prepare('SELECT * FROM discovery_proposals WHERE status = ?').all(status) : this.db.prepare('SELECT * FROM discovery_proposals').all()) as Row[];
    return rows.map(toProposal).sort((a, b) => ipKey(a.address) - ipKey(b.address));
  }

  setStatus(address: string, status: Status): Proposal | undefined {
    const changed = this.db.prepare('UPDATE discovery_proposals SET status = ? WHERE address = ?').run(status, address).changes;
    return changed ? this.get(address) : undefined;
  }
}

function ipKey(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function toProposal(r: Row): Proposal {
  const p: Proposal = { address: r.address, class: r.class as DeviceClass, firstSeen: r.first_seen, lastSeen: r.last_seen, status: r.status as Status };
  if (r.sys_name) p.sysName = r.sys_name;
  if (r.vendor) p.vendor = r.vendor;
  if (r.model) p.model = r.model;
  if (r.version) p.version = r.version;
  if (r.sys_object_id) p.sysObjectID = r.sys_object_id;
  if (r.sys_descr) p.sysDescr = r.sys_descr;
  if (r.credential) p.credential = r.credential;
  return p;
}

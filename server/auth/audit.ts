import type Database from 'better-sqlite3';

/**
 * The audit log: who changed what and who acknowledged what, in the embedded database next to the users it
 * names. Rows are only ever appended; an entry says the action was done, so call `audit()` after it succeeded.
 * `detail` is free text for people and must never hold a secret (a token, a password, a community).
 */
export interface AuditEntry {
  /** `admin1`, `token:ci`, or `cli` for changes made on the box's command line. */
  user: string;
  /** Dotted verb: `user.add`, `token.create`, `token.revoke`, `alert.ack`, `alert.silence`, `login.lockout`. */
  action: string;
  /** What was acted on: a user name, token name, alert id, device. */
  target?: string;
  detail?: string;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'target' | 'detail'>> {
  id: number;
  time: number;
  target: string | null;
  detail: string | null;
}

const ready = new WeakSet<Database.Database>();

function ensureTable(db: Database.Database): void {
  if (ready.has(db)) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, target TEXT, detail TEXT);
    CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (time);
  `);
  ready.add(db);
}

/** Append one entry. Long free text is cut so a hostile request cannot grow the log without bound. */
export function audit(db: Database.Database, entry: AuditEntry, now = Date.now()): void {
  ensureTable(db);
  db.prepare('INSERT INTO audit_log (time, user, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(
    now,
    entry.user.slice(0, 128),
    entry.action.slice(0, 64),
    entry.target?.slice(0, 256) ?? null,
    entry.detail?.slice(0, 1024) ?? null,
  );
}

/** What `auditRequest` needs of a Fastify request: who is signed in, and the request's logger. */
export interface AuditedRequest {
  user?: { username: string };
  log: { info(obj: object, msg: string): void };
}

/**
 * An API change, recorded once: the audit row and the request's log line, built from the same entry so the two
 * can never name a different user or target. The line carries `audit` (the action), `user`, `target` and any
 * `fields` the row has no column for (a role, a silence's end); `detail` stays out of it (free text, can be long).
 * `entry.user` defaults to the signed-in user; a route that reaches here unauthenticated is a bug, so it throws.
 */
export function auditRequest(
  req: AuditedRequest,
  db: Database.Database,
  entry: Omit<AuditEntry, 'user'> & { user?: string },
  message: string,
  fields: Record<string, unknown> = {},
): void {
  const user = entry.user ?? req.user?.username;
  if (user === undefined) throw new Error(`audit ${entry.action}: no signed-in user on the request`);
  audit(db, { ...entry, user });
  req.log.info({ ...fields, audit: entry.action, user, ...(entry.target !== undefined ? { target: entry.target } : {}) }, message);
}

/** Newest first. */
export function auditLog(db: Database.Database, opts: { limit?: number; before?: number } = {}): AuditRecord[] {
  ensureTable(db);
  const limit = Math.min(Math.max(1, opts.limit ?? 100), 1000);
  return db
    .prepare('SELECT id, time, user, action, target, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
    .all(opts.before ?? Number.MAX_SAFE_INTEGER, limit) as AuditRecord[];
}

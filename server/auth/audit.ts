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

/** Newest first. */
export function auditLog(db: Database.Database, opts: { limit?: number; before?: number } = {}): AuditRecord[] {
  ensureTable(db);
  const limit = Math.min(Math.max(1, opts.limit ?? 100), 1000);
  return db
    .prepare('SELECT id, time, user, action, target, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
    .all(opts.before ?? Number.MAX_SAFE_INTEGER, limit) as AuditRecord[];
}

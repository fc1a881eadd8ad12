// Recognising what the database said, whichever database and whichever Prisma
// path (ORM queries report P2002; raw statements report P2010 with the driver's
// own code; a statement run on the driver adapter itself throws its
// DriverAdapterError, whose cause names the kind).
type AdapterCause = { kind?: unknown; code?: unknown; originalCode?: unknown; originalMessage?: unknown; message?: unknown }
type DbError = { code?: unknown; message?: unknown; meta?: { code?: unknown }; name?: unknown; cause?: AdapterCause | null } | null

/** A DriverAdapterError's payload: its kind, and the driver's own code and message where it kept them. */
export function adapterCause(err: unknown): AdapterCause | undefined {
  const e = err as DbError | undefined
  return e?.name === 'DriverAdapterError' && typeof e.cause === 'object' && e.cause !== null ? e.cause : undefined
}

const adapterKind = (e: DbError) => adapterCause(e)?.kind

export function isUniqueViolation(err: unknown): boolean {
  const e = err as DbError
  if (e?.code === 'P2002' || adapterKind(e) === 'UniqueConstraintViolation') return true
  if (e?.code === 'P2010' && e.meta?.code === '23505') return true
  const message = typeof e?.message === 'string' ? e.message : ''
  return /SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)|UNIQUE constraint failed|duplicate key value violates unique constraint/.test(message)
}

/** The database asks us to try again: a PostgreSQL deadlock or serialization failure, a busy SQLite. */
export function isTransientConflict(err: unknown): boolean {
  const e = err as DbError
  if (e?.code === 'P2034' || adapterKind(e) === 'TransactionWriteConflict') return true
  // The SQLite adapter reports SQLITE_BUSY as a "SocketTimeout", keeping the driver's code.
  const original = adapterCause(e)?.originalCode
  if (typeof original === 'string' && original.startsWith('SQLITE_BUSY')) return true
  if (e?.code === 'P2010' && (e.meta?.code === '40001' || e.meta?.code === '40P01')) return true
  return typeof e?.message === 'string' && /SQLITE_BUSY|database is locked|deadlock detected|could not serialize/i.test(e.message)
}

/**
 * The database could not take the statement in time, but may in a moment: a
 * transient conflict, or a lock held elsewhere past our wait (Prisma reports the
 * SQLite adapter's busy error as P1008, a transaction it could not start as P2028).
 */
export function isDatabaseBusy(err: unknown): boolean {
  const code = (err as DbError)?.code
  return code === 'P1008' || code === 'P2028' || isTransientConflict(err)
}

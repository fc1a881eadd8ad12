// Recognising what the database said, whichever database and whichever Prisma
// path (ORM queries report P2002; raw statements report P2010 with the driver's
// own code; a statement run on the driver adapter itself throws its
// DriverAdapterError, whose cause names the kind).
type DbError = { code?: unknown; message?: unknown; meta?: { code?: unknown }; name?: unknown; cause?: { kind?: unknown } } | null

const adapterKind = (e: DbError) => (e?.name === 'DriverAdapterError' ? e.cause?.kind : undefined)

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
  if (e?.code === 'P2034') return true
  if (e?.code === 'P2010' && (e.meta?.code === '40001' || e.meta?.code === '40P01')) return true
  return typeof e?.message === 'string' && /SQLITE_BUSY|database is locked|deadlock detected|could not serialize/i.test(e.message)
}

/** The two databases ContentFlow runs on, chosen by the shape of DATABASE_URL. */
export type Provider = 'sqlite' | 'postgresql'

export function providerOf(databaseUrl: string): Provider {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return 'postgresql'
  if (databaseUrl.startsWith('file:')) return 'sqlite'
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got "${databaseUrl.split(':')[0]}:…"`)
}

/** Path of the SQLite file behind a file: URL (relative paths are from the working directory). */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '')
}

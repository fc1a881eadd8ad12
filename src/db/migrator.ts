// Migrations without Prisma's native schema engine (it cannot be downloaded here):
// the same engine compiled to wasm (@prisma/schema-engine-wasm), talking to the
// database through our own driver adapter. applyMigrations records each migration
// in _prisma_migrations exactly as `prisma migrate deploy` would.
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import pg from 'pg'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils'
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm'
import { providerOf, sqlitePath, type Provider } from './provider.ts'
import { migrationsDir, schemaFor } from './schema-source.ts'

const noFilters = { externalTables: [], externalEnums: [] }

/**
 * The engine reads PostgreSQL's catalog, whose one-byte `"char"` columns (type oid 18)
 * adapter-pg 7.10 cannot map, so describing any non-empty database fails. Their values
 * already arrive as strings: report them as text (oid 25) and the engine reads them.
 */
class CatalogFriendlyClient extends pg.Client {
  // pg's query() is overloaded (promise or callback): the override returns what each does.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const charAsText = (res: pg.QueryResult | undefined) => {
      for (const field of res?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25
      return res
    }
    const callback = args.at(-1)
    if (typeof callback === 'function') {
      const done = callback as (err: Error | null, res: pg.QueryResult | undefined) => unknown
      args[args.length - 1] = (err: Error | null, res: pg.QueryResult) => done(err, charAsText(res))
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args)
    return result instanceof Promise ? result.then(charAsText) : result
  }
}

let wasmReady: Promise<void> | undefined
/** Node 20 cannot `import` a .wasm module, so instantiate it by hand, once per process. */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm'))
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'))
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': wasmBindings })
    wasmBindings.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as () => void)()
  })()
  return wasmReady
}

/** Runs `work` with a schema engine connected to `databaseUrl`, then releases the connection. */
async function withEngine<T>(databaseUrl: string, work: (engine: SchemaEngine, provider: Provider) => Promise<T>): Promise<T> {
  await loadWasm()
  const provider = providerOf(databaseUrl)
  let factory: SqlMigrationAwareDriverAdapterFactory
  let pool: pg.Pool | undefined
  if (provider === 'postgresql') {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2, Client: CatalogFriendlyClient })
    pool.on('error', () => {}) // an idle connection closed by the server: the pool replaces it
    factory = new PrismaPg(pool)
  } else {
    const file = sqlitePath(databaseUrl)
    await mkdir(path.dirname(path.resolve(file)), { recursive: true })
    factory = new PrismaBetterSqlite3({ url: file })
  }
  // The engine never closes the connections it opens; keep them to close them ourselves
  // (an open SQLite connection would hold its lock against the next one).
  const opened: SqlDriverAdapter[] = []
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => remember(await factory.connect()),
    connectToShadowDb: async () => remember(await factory.connectToShadowDb()),
  }
  const remember = (adapter: SqlDriverAdapter) => (opened.push(adapter), adapter)
  const engine = await wasmBindings.SchemaEngine.new(
    { datamodels: [['schema.prisma', schemaFor(provider)]] },
    () => {}, // engine tracing: not needed, and it would be noise in our logs
    bindMigrationAwareSqlAdapterFactory(tracked),
  )
  try {
    // wasm-bindgen's static new() is how this class is constructed.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    return await work(engine, provider)
  } finally {
    engine.free()
    for (const adapter of opened) await adapter.dispose()
    await pool?.end()
  }
}

async function readMigrations(baseDir: string): Promise<MigrationList> {
  const names = existsSync(baseDir)
    ? (await readdir(baseDir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : []
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  )
  const lockPath = path.join(baseDir, 'migration_lock.toml')
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories,
  }
}

/**
 * True when every migration is recorded in _prisma_migrations as finished, with the
 * checksum `migrate deploy` records (sha256 of the file), and no attempt failed: then
 * the engine has nothing to do and is not started. This matters on SQLite, where the
 * engine takes `PRAGMA locking_mode=EXCLUSIVE`, which any other open connection (a
 * running server, a reader) refuses: a restart or a routine migrate must not need it.
 * Any doubt (no table, unreadable, failed or edited migration) leaves it to the engine.
 */
async function nothingPending(databaseUrl: string, provider: Provider, migrations: MigrationList): Promise<boolean> {
  if (provider === 'sqlite' && !existsSync(sqlitePath(databaseUrl))) return false
  const factory =
    provider === 'postgresql'
      ? new PrismaPg({ connectionString: databaseUrl, max: 1 })
      : new PrismaBetterSqlite3({ url: sqlitePath(databaseUrl) })
  let rows: unknown[][]
  try {
    const adapter = await factory.connect()
    try {
      const sql = 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations'
      rows = (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows
    } finally {
      await adapter.dispose()
    }
  } catch {
    return false
  }
  if (rows.some(([, , finished, rolledBack]) => finished === null && rolledBack === null)) return false
  const done = new Set(
    rows
      .filter(([, , finished, rolledBack]) => finished !== null && rolledBack === null)
      .map(([name, sum]) => `${String(name)}/${String(sum)}`),
  )
  return migrations.migrationDirectories.every((d) => {
    const content = d.migrationFile.content
    return content.tag === 'ok' && done.has(`${d.path}/${createHash('sha256').update(content.value).digest('hex')}`)
  })
}

/**
 * Applies the migrations (the checked-in ones unless `baseDir` names another folder)
 * not yet applied; returns their names.
 */
export async function applyMigrations(databaseUrl: string, baseDir?: string): Promise<string[]> {
  const provider = providerOf(databaseUrl)
  const migrationsList = await readMigrations(baseDir ?? migrationsDir(provider))
  if (await nothingPending(databaseUrl, provider, migrationsList)) return []
  try {
    return await withEngine(databaseUrl, async (engine) => {
      const result = await engine.applyMigrations({ migrationsList, filters: noFilters })
      return result.appliedMigrationNames
    })
  } catch (err) {
    // SQLITE_BUSY reaches the wasm engine as a variant it does not know: say what it means.
    if (provider === 'sqlite' && String(err).includes('SocketTimeout')) {
      throw new Error(
        `${sqlitePath(databaseUrl)}: applying migrations needs the SQLite database to itself, and another connection ` +
          'holds it open (a running server?): stop it, then migrate',
        { cause: err },
      )
    }
    throw err
  }
}

/** The SQL that would bring the database to the data model; empty when they agree (no drift). */
export async function diffDatabaseToModel(databaseUrl: string): Promise<string> {
  return withEngine(databaseUrl, async (engine, provider) => {
    const files = [{ path: 'schema.prisma', content: schemaFor(provider) }]
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: process.cwd() },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: noFilters,
    })
    const sql = result.stdout ?? ''
    if (process.env.DEBUG_MIGRATOR) console.error(provider, JSON.stringify(sql.slice(0, 300)))
    // An empty diff is reported as a comment line only.
    return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? '' : sql
  })
}

/**
 * Writes a new migration for one database: `scratchUrl` must point at an empty
 * database; the existing migrations are applied to it, and what the model still
 * needs becomes the new migration. Returns its folder, or null when nothing changed.
 */
export async function writeNewMigration(scratchUrl: string, name: string, now = new Date()): Promise<string | null> {
  const provider = providerOf(scratchUrl)
  await applyMigrations(scratchUrl)
  const sql = await diffDatabaseToModel(scratchUrl)
  if (!sql) return null
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14)
  const safeName =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'change'
  const dir = path.join(migrationsDir(provider), `${stamp}_${safeName}`)
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'migration.sql'), sql)
  await writeFile(
    path.join(migrationsDir(provider), 'migration_lock.toml'),
    `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`,
  )
  return dir
}

// The server's SQLite WAL is copied into the database file by a worker thread,
// not inside a commit on the event loop: with the in-commit checkpoint switched
// off, committed rows still reach the main file within a moment; and with the
// worker running, a commit on the event loop checkpoints only far past SQLite's
// default threshold (a safety net, not the usual path).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/client.ts'
import { IN_COMMIT_CHECKPOINT_PAGES } from '../../src/db/sqlite-checkpointer.ts'
import { applyMigrations } from '../../src/db/migrator.ts'

describe('SQLite background checkpoint', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-ckpt-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Partners in the main database file alone, as if the WAL were lost. */
  const partnersInMainFile = (file: string) => {
    const copy = `${file}.copy-${Date.now()}`
    copyFileSync(file, copy)
    const db = new Database(copy, { readonly: true })
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM partners').get() as { n: number }).n
    } finally {
      db.close()
    }
  }

  for (const background of [false, true]) {
    it(
      background
        ? 'with the checkpointer, committed rows reach the main file'
        : 'without it (and no in-commit checkpoint), they stay in the WAL',
      async () => {
        const file = path.join(dir, `${background}.db`)
        await applyMigrations(`file:${file}`)
        const database = await openDatabase(`file:${file}`, { backgroundCheckpoint: background })
        try {
          await database.prisma.$queryRawUnsafe('PRAGMA wal_autocheckpoint = 0')
          for (let i = 0; i < 20; i++) await database.prisma.partner.create({ data: { name: `P${i}` } })
          await new Promise((r) => setTimeout(r, 600))
          expect(partnersInMainFile(file)).toBe(background ? 20 : 0)
        } finally {
          await database.close()
        }
      },
    )
  }

  it("with the checkpointer, a commit checkpoints only past IN_COMMIT_CHECKPOINT_PAGES; without it, at SQLite's 1000", async () => {
    for (const background of [false, true]) {
      const file = path.join(dir, `threshold-${background}.db`)
      await applyMigrations(`file:${file}`)
      const database = await openDatabase(`file:${file}`, { backgroundCheckpoint: background })
      try {
        const [row] = await database.prisma.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>('PRAGMA wal_autocheckpoint')
        expect(Number(row!.wal_autocheckpoint)).toBe(background ? IN_COMMIT_CHECKPOINT_PAGES : 1000)
      } finally {
        await database.close()
      }
    }
  })
})

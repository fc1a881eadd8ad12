// 503 (the database: retry later) vs 500 (a bug of ours) for a postback's fault.
import { describe, expect, it } from 'vitest'
import { DriverAdapterError } from '@prisma/driver-adapter-utils'
import { isDatabaseUnavailable } from '../../src/postbacks/receive-postback.ts'
import { isTransientConflict } from '../../src/db/errors.ts'
import { TransactionTimeout } from '../../src/db/hot/index.ts'

const raw = (sqlState: string, message: string) =>
  Object.assign(new Error(`Raw query failed. Code: \`${sqlState}\`. Message: \`${message}\``), { code: 'P2010', meta: { code: sqlState } })

describe('isDatabaseUnavailable', () => {
  it('recognises an unreachable or stopping database', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("Can't reach database server"), { code: 'P1001' }))).toBe(true)
    // a PostgreSQL shutdown terminates the backends of open transactions
    expect(isDatabaseUnavailable(raw('57P01', 'terminating connection due to administrator command'))).toBe(true)
    expect(isDatabaseUnavailable(raw('08006', 'connection failure'))).toBe(true)
    expect(isDatabaseUnavailable(raw('53300', 'sorry, too many clients already'))).toBe(true)
    expect(isDatabaseUnavailable(new Error('SqliteError: database is locked'))).toBe(true)
  })

  it('recognises the same from the driver adapter (the postback batch runs its statements there)', () => {
    const pg = (code: string, message: string) =>
      new DriverAdapterError({ kind: 'postgres', code, severity: 'FATAL', message, detail: undefined, column: undefined, hint: undefined })
    expect(isDatabaseUnavailable(new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }))).toBe(true)
    expect(isDatabaseUnavailable(new DriverAdapterError({ kind: 'ConnectionClosed' }))).toBe(true)
    expect(isDatabaseUnavailable(pg('57P01', 'terminating connection due to administrator command'))).toBe(true)
    expect(isDatabaseUnavailable(new TransactionTimeout(15_000))).toBe(true)
    expect(isDatabaseUnavailable(pg('42P01', 'relation "wallet_entries" does not exist'))).toBe(false)
    expect(isDatabaseUnavailable(new DriverAdapterError({ kind: 'UniqueConstraintViolation', constraint: { fields: ['txn_id'] } }))).toBe(
      false,
    )
    // A busy SQLite and a PostgreSQL serialization failure are worth another attempt.
    expect(
      isTransientConflict(
        new DriverAdapterError({ kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY', originalMessage: 'database is locked' }),
      ),
    ).toBe(true)
    expect(isTransientConflict(new DriverAdapterError({ kind: 'TransactionWriteConflict' }))).toBe(true)
    expect(isTransientConflict(new DriverAdapterError({ kind: 'UniqueConstraintViolation', constraint: { fields: ['txn_id'] } }))).toBe(
      false,
    )
  })

  it('leaves our own faults as such', () => {
    expect(isDatabaseUnavailable(raw('42P01', 'relation "wallet_entries" does not exist'))).toBe(false)
    expect(isDatabaseUnavailable(raw('23505', 'duplicate key value violates unique constraint'))).toBe(false)
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false)
    expect(isDatabaseUnavailable(null)).toBe(false)
  })
})

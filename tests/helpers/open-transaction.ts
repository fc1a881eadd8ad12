// Runs `meanwhile` outside a transaction while that transaction is open (after
// `inside` ran in it), then rolls the transaction back: what a click batch or a
// console read meets when a postback batch's transaction fails.
import { expect } from 'vitest'
import type { Db, DbWriter } from '../../src/db/client.ts'

export async function besideRolledBackTransaction<T>(
  db: Db,
  inside: (tx: DbWriter) => Promise<unknown>,
  meanwhile: () => Promise<T>,
): Promise<T> {
  let started!: Promise<T>
  const rolledBack = db.$transaction(async (tx) => {
    await inside(tx)
    started = meanwhile()
    await new Promise((r) => setTimeout(r, 30))
    throw new Error('business rule: roll back')
  })
  await expect(rolledBack).rejects.toThrow('business rule')
  return started
}

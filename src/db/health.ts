import type { Database } from './client.ts'

/** True when the database answers a trivial query within `timeoutMs`. */
export async function databaseReachable(database: Pick<Database, 'prisma'>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>(
    (resolve) =>
      (timer = setTimeout(() => {
        resolve(false)
      }, timeoutMs)),
  )
  try {
    return await Promise.race([database.prisma.$queryRawUnsafe('SELECT 1').then(() => true), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

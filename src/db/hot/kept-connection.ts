// The Prisma client connects through its driver adapter factory; keeping the
// connection it made lets the app run its hottest statement on that same
// connection (or pool) without the client's own path (click-store.ts).
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils'

/** A factory whose connection is kept for the app's own hottest statements (the click batch). */
export interface KeptConnectionFactory extends SqlDriverAdapterFactory {
  /** The connection the Prisma client connected through (after $connect). */
  readonly connection: SqlDriverAdapter | undefined
}

export function keepConnection(
  factory: SqlDriverAdapterFactory,
  wrap: (adapter: SqlDriverAdapter) => SqlDriverAdapter = (a) => a,
): KeptConnectionFactory {
  let connection: SqlDriverAdapter | undefined
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    get connection() {
      return connection
    },
    async connect() {
      connection = wrap(await factory.connect())
      return connection
    },
  }
}

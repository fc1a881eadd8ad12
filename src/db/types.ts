// The database's types for the rest of the app: Prisma's namespace (payload
// types such as Prisma.PayoutGetPayload<…>) and its model rows, so that no
// domain imports a generated client or keeps a hand-typed copy of a row.
export type {
  Prisma,
  AdminSession,
  Assignment,
  AuditLog,
  LoginThrottle,
  MetricEvent,
  Network,
  Offer,
  Partner,
  PartnerFlag,
  Payout,
  User,
} from '../generated/sqlite/client.ts'
export type { Database, Db, DbWriter } from './client.ts'
export type { Provider } from './provider.ts'

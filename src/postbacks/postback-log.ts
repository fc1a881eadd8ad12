// The postback log: every request a network sends, written before anything else
// (token masked), then completed with its outcome. Nothing a network sends is
// lost, and a rejected postback can be replayed from it once its cause is fixed.
import type { Database } from '../db/client.ts'
import { writeIsolated, type DbWriter } from '../db/isolated-write.ts'

export const POSTBACK_OUTCOMES = ['received', 'accepted', 'duplicate', 'updated', 'rejected', 'forbidden', 'error'] as const
export type PostbackOutcome = (typeof POSTBACK_OUTCOMES)[number]

export interface ReceivedPostback {
  method: string
  /** Query string as received, token masked. */
  rawQuery: string
  /** Body as received, token masked; null without a body. */
  rawBody: string | null
  sourceIp: string | null
  networkSlug: string | null
}

export interface PostbackVerdict {
  outcome: Exclude<PostbackOutcome, 'received'>
  reason?: string | null
  entryId?: number | null
  /** Set when the verdict comes from a replay. */
  replayedAt?: Date
}

export async function openPostbackLog(database: Pick<Database, 'prisma' | 'provider'>, received: ReceivedPostback): Promise<number> {
  const row = await writeIsolated(database, (db) =>
    db.postbackLog.create({
      data: {
        method: received.method,
        rawQuery: received.rawQuery,
        rawBody: received.rawBody,
        sourceIp: received.sourceIp,
        networkSlug: received.networkSlug,
      },
      select: { id: true },
    }),
  )
  return row.id
}

/** Completes a log line; `db` may be a transaction (the apply writes its verdict in its own transaction). */
export async function closePostbackLog(db: DbWriter, id: number, verdict: PostbackVerdict): Promise<void> {
  await db.postbackLog.update({
    where: { id },
    data: {
      outcome: verdict.outcome,
      reason: verdict.reason ? verdict.reason.slice(0, 500) : null,
      entryId: verdict.entryId ?? null,
      processedAt: new Date(),
      ...(verdict.replayedAt ? { replayedAt: verdict.replayedAt } : {}),
    },
  })
}

// One click, start to finish: resolve the code from the cache, classify the
// visitor, queue the click for the group commit, wait for its commit, and give
// back where to send the visitor. Nothing from the request reaches the target
// except through the database-configured template (no open redirect).
import { isBotUserAgent } from './bots.ts'
import { newClickId, isLinkCode } from './click-id.ts'
import type { ClickWriter } from './click-writer.ts'
import type { PartnerSubids } from '../db/hot/index.ts'
import type { LinkCache } from './link-cache.ts'
import { targetFor } from './target-url.ts'
import { visitorHash, type RecentVisitors } from './visitor.ts'

export interface ClickTracker {
  links: LinkCache
  clicks: ClickWriter
  visitors: RecentVisitors
  ipHashSalt: string
}

export interface ClickRequest {
  code: string
  method: string
  ip: string
  userAgent: string | undefined
  referer: string | undefined
  /** The partner's own sub-ids, already bounded (partner-subids.ts); never forwarded. */
  subids?: PartnerSubids
  now?: Date
}

export type ClickResult = { found: false } | { found: true; target: string; clickId: string; kind: 'click' | 'bot'; committed: boolean }

const MAX_UA = 512
const MAX_REFERER = 1024

export async function trackClick(tracker: ClickTracker, req: ClickRequest): Promise<ClickResult> {
  if (!isLinkCode(req.code)) return { found: false }
  const link = await tracker.links.resolve(req.code)
  if (!link) return { found: false }
  const now = req.now ?? new Date()
  const userAgent = req.userAgent ? req.userAgent.slice(0, MAX_UA) : null
  // HEAD fetches nothing a person would see: link checkers and preview probes.
  const kind = req.method === 'HEAD' || isBotUserAgent(req.userAgent) ? 'bot' : 'click'
  const hash = visitorHash(tracker.ipHashSalt, req.ip, userAgent ?? '')
  const isUnique = kind === 'click' && tracker.visitors.visit(link.assignmentId, hash, now.getTime())
  // The id's time prefix is the click's own timestamp (one clock read per click).
  const clickId = newClickId(now.getTime())
  const committed = await tracker.clicks.record({
    kind,
    ts: now,
    partnerId: link.partnerId,
    assignmentId: link.assignmentId,
    offerId: link.offerId,
    clickId,
    visitorHash: hash,
    userAgent,
    referer: req.referer ? req.referer.slice(0, MAX_REFERER) : null,
    // Confirmed by the click batch's statement against every instance's visits (click-store.ts).
    isUnique,
    subids: req.subids,
  })
  return { found: true, target: targetFor(link.template, clickId), clickId, kind, committed }
}

// One conversion as the console's detail page shows it: the entry, its history
// (each step with, for the console's own changes, who acted and why — the audit
// log holds that), the postback log lines its history names (read by primary
// key), and the click it came from (by its unique click id), with that click's
// link, offer and partner. Every read is an index probe.
import type { Queryable } from '../db/queries/access.ts'
import { assignmentById } from '../db/queries/assignments.ts'
import { auditOfSubject } from '../db/queries/audit-log.ts'
import { clickEventById, postbackLogsByIds } from '../db/queries/conversion-trail.ts'
import { offerNames } from '../db/queries/offers.ts'
import { partnersByIds } from '../db/queries/partners.ts'
import { conversionEntryById, historyOfEntry } from '../db/queries/wallet-entries-pages.ts'
import { NotFound } from '../errors.ts'

export interface HistoryStep {
  id: number
  at: Date
  fromStatus: string | null
  toStatus: string
  word: string | null
  amountCents: number | null
  source: string | null
  postbackLogId: number | null
  /** Console changes: the account that made it and its reason (from the audit log). */
  by: string | null
  reason: string | null
}

/** The audit actions of a conversion's corrections (ledger/corrections.ts). */
const CORRECTION_ACTIONS = new Set(['conversion.status', 'conversion.amount', 'conversion.assign'])

function reasonIn(detail: string | null): string | null {
  if (!detail) return null
  try {
    const parsed = JSON.parse(detail) as { reason?: unknown }
    return typeof parsed.reason === 'string' ? parsed.reason : null
  } catch {
    return null
  }
}

export async function conversionDetail(db: Queryable, id: number) {
  const entry = await conversionEntryById(db, id)
  if (!entry) throw new NotFound(`conversion #${id} introuvable`)
  const [steps, audit, click] = await Promise.all([
    historyOfEntry(db, id),
    auditOfSubject(db, `conversion:${id}`, 500),
    entry.clickId ? clickEventById(db, entry.clickId) : null,
  ])
  const logIds = [...new Set(steps.flatMap((s) => (s.postbackLogId === null ? [] : [s.postbackLogId])))]
  const assignmentId = click?.assignmentId ?? entry.assignmentId
  const [postbacks, assignment] = await Promise.all([
    postbackLogsByIds(db, logIds),
    assignmentId === null ? null : assignmentById(db, assignmentId),
  ])
  const offerId = click?.offerId ?? assignment?.offerId ?? null
  const partnerIds = [click?.partnerId, assignment?.partnerId].filter((p): p is number => typeof p === 'number')
  const [offers, partners] = await Promise.all([
    offerId === null ? [] : offerNames(db, [offerId]),
    partnersByIds(db, [...new Set(partnerIds)]),
  ])
  const partnerName = new Map(partners.map((p) => [p.id, p.name]))

  // Each correction writes one console step and one audit line in the same
  // transaction, in the same order: the n-th of one is the n-th of the other
  // (aligned from the newest, should the oldest audit lines be cut off).
  const corrections = audit.filter((a) => CORRECTION_ACTIONS.has(a.action)).reverse()
  const consoleSteps = steps.filter((s) => s.source === 'console')
  const offset = consoleSteps.length - corrections.length
  const history: HistoryStep[] = steps.map((s) => {
    const k = consoleSteps.indexOf(s) - offset
    const a = s.source === 'console' && k >= 0 ? corrections[k] : undefined
    return {
      id: s.id,
      at: s.changedAt,
      fromStatus: s.fromStatus,
      toStatus: s.toStatus,
      word: s.networkWord,
      amountCents: s.amountCents,
      source: s.source,
      postbackLogId: s.postbackLogId,
      by: a?.actor ?? null,
      reason: a ? reasonIn(a.detail) : null,
    }
  })

  return {
    entry,
    history,
    postbacks,
    click: click
      ? {
          ...click,
          partnerName: click.partnerId === null ? null : (partnerName.get(click.partnerId) ?? null),
          assignmentCode: assignment?.code ?? null,
          offerName: offers[0]?.name ?? null,
        }
      : null,
    /** The link the entry was booked through, when its click is not in the log. */
    assignment: assignment
      ? { id: assignment.id, code: assignment.code, partnerId: assignment.partnerId, offerName: offers[0]?.name ?? null }
      : null,
  }
}

export type ConversionDetailView = Awaited<ReturnType<typeof conversionDetail>>

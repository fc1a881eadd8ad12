// Tracked links as the console lists them: the assignment, its partner and offer
// by name, its status, the full /r/<code> URL to copy, and its clicks of the
// last 30 days.
import { z } from 'zod'
import type { Queryable } from '../db/queries/access.ts'
import { namedAssignments, offerChoices, partnerChoices, type AssignmentFilter } from '../db/queries/assignment-links.ts'
import { clicksByAssignment } from '../db/queries/analytics/clicksByAssignment.ts'
import { daysAgo } from '../time.ts'
import { ASSIGNMENT_STATUSES, assignmentMoveAllowed, type AssignmentStatus } from './assignments.ts'
import { trackedLink } from './public-base.ts'

export const LINK_STATUS_LABELS: Record<AssignmentStatus, string> = {
  pending: 'en attente',
  approved: 'approuvé',
  posted: 'publié',
  failed: 'échoué',
}

/** How many links a page lists (the newest first). */
export const LINKS_PAGE_SIZE = 200
export const CLICK_WINDOW_DAYS = 30

const blankIsNone = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional())
const id = z.coerce.number().int().positive().max(2_147_483_647)

/** The links page's filters (?partner=&offer=&status=); a blank select is no filter. */
export const linkFilterSchema = z.object({
  partner: blankIsNone(id),
  offer: blankIsNone(id),
  status: blankIsNone(z.enum(ASSIGNMENT_STATUSES)),
})
export type LinkFilterQuery = z.infer<typeof linkFilterSchema>

export interface LinkRow {
  id: number
  code: string
  link: string
  status: AssignmentStatus
  content: string | null
  partner: { id: number; name: string }
  offer: { id: number; name: string; active: boolean; network: string }
  clicks: number
  /** Where the status may go from here (the pipeline's moves). */
  moves: AssignmentStatus[]
  createdAt: Date
}

export async function linkRows(db: Queryable, baseUrl: string, filter: AssignmentFilter, now = new Date()): Promise<LinkRow[]> {
  const rows = await namedAssignments(db, filter, LINKS_PAGE_SIZE)
  const clicks = await clicksByAssignment(db, [...new Set(rows.map((r) => r.partnerId))], daysAgo(now, CLICK_WINDOW_DAYS))
  return rows.map((r) => {
    const status = r.status as AssignmentStatus
    return {
      id: r.id,
      code: r.code,
      link: trackedLink(baseUrl, r.code),
      status,
      content: r.content,
      partner: r.partner,
      offer: { id: r.offer.id, name: r.offer.name, active: r.offer.active, network: r.offer.network.slug },
      clicks: clicks.get(r.id) ?? 0,
      moves: ASSIGNMENT_STATUSES.filter((to) => to !== status && assignmentMoveAllowed(status, to)),
      createdAt: r.createdAt,
    }
  })
}

/** The partners and offers a link form chooses from, by name. */
export async function linkChoices(db: Queryable) {
  const [partners, offers] = await Promise.all([partnerChoices(db), offerChoices(db)])
  return { partners, offers: offers.map((o) => ({ id: o.id, name: o.name, active: o.active, network: o.network.slug })) }
}

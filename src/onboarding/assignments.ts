// Assignments: a piece of content a partner publishes for one offer, with its
// tracked link /r/<code>. Pipeline: pending → approved → posted, or failed (a
// failed assignment's link answers 404); failed can go back to pending.
import { z } from 'zod'
import { InvalidInput, NotFound, Refused } from '../errors.ts'
import { newLinkCode } from '../tracking/click-id.ts'
import { audit } from './audit.ts'
import type { OnboardingContext } from './networks.ts'
import { trackedLink } from './public-base.ts'
import { isUniqueViolation } from '../db/errors.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { assignmentById, insertAssignment, listAssignments as assignmentRows, setAssignmentStatus } from '../db/queries/assignments.ts'
import { offerById } from '../db/queries/offers.ts'
import { partnerById } from '../db/queries/partners.ts'
import type { Assignment } from '../db/types.ts'

export const ASSIGNMENT_STATUSES = ['pending', 'approved', 'posted', 'failed'] as const
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number]

const NEXT: Readonly<Record<AssignmentStatus, readonly AssignmentStatus[]>> = {
  pending: ['approved', 'failed'],
  approved: ['posted', 'failed'],
  posted: ['failed'],
  failed: ['pending'],
}

export function assignmentMoveAllowed(from: AssignmentStatus, to: AssignmentStatus): boolean {
  return from === to || NEXT[from].includes(to)
}

const id = z.coerce.number().int().positive().max(2_147_483_647)

export const assignmentCreateSchema = z.strictObject({
  partnerId: id,
  offerId: id,
  status: z.enum(ASSIGNMENT_STATUSES).optional(),
  /** What the partner publishes (a title, a note or the post's URL); blank: none. */
  content: z.string().trim().max(500).optional(),
})

export const assignmentUpdateSchema = z.strictObject({ status: z.enum(ASSIGNMENT_STATUSES) })

export interface AssignmentView {
  id: number
  code: string
  link: string
  partnerId: number
  offerId: number
  status: string
  content: string | null
  createdAt: Date
  updatedAt: Date
}

const view = (a: Assignment, baseUrl: string): AssignmentView => ({ ...a, link: trackedLink(baseUrl, a.code) })

export async function createAssignment(ctx: OnboardingContext, input: unknown, baseUrl: string): Promise<AssignmentView> {
  const a = assignmentCreateSchema.parse(input)
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx.database, async (db) => {
        const [partner, offer] = await Promise.all([partnerById(db, a.partnerId), offerById(db, a.offerId)])
        if (!partner) throw new InvalidInput(`partnerId: no partner ${a.partnerId}`)
        if (!offer) throw new InvalidInput(`offerId: no offer ${a.offerId}`)
        const row = await insertAssignment(db, {
          partnerId: a.partnerId,
          offerId: a.offerId,
          status: a.status ?? 'pending',
          code: newLinkCode(),
          content: a.content || null,
        })
        await audit(db, ctx.actor, 'assignment.create', `assignment:${row.id}`, { partnerId: a.partnerId, offerId: a.offerId })
        return view(row, baseUrl)
      })
    } catch (err) {
      // A code collision (47 random bits): draw another.
      if (isUniqueViolation(err) && attempt < 5) continue
      throw err
    }
  }
}

export async function updateAssignment(
  ctx: OnboardingContext,
  assignmentId: number,
  input: unknown,
  baseUrl: string,
): Promise<AssignmentView> {
  const { status } = assignmentUpdateSchema.parse(input)
  return inTransaction(ctx.database, async (db) => {
    const current = await assignmentById(db, assignmentId)
    if (!current) throw new NotFound(`no assignment ${assignmentId}`)
    if (!assignmentMoveAllowed(current.status as AssignmentStatus, status)) {
      throw new Refused(`an assignment cannot go from ${current.status} to ${status}`)
    }
    if (current.status === status) return view(current, baseUrl)
    const row = await setAssignmentStatus(db, assignmentId, status)
    await audit(db, ctx.actor, 'assignment.status', `assignment:${assignmentId}`, { from: current.status, to: status })
    return view(row, baseUrl)
  })
}

export async function listAssignments(
  ctx: { database: Queryable },
  baseUrl: string,
  filter: { partnerId?: number } = {},
): Promise<AssignmentView[]> {
  const rows = await assignmentRows(ctx.database, filter)
  return rows.map((r) => view(r, baseUrl))
}

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
})

export const assignmentUpdateSchema = z.strictObject({ status: z.enum(ASSIGNMENT_STATUSES) })

export interface AssignmentView {
  id: number
  code: string
  link: string
  partnerId: number
  offerId: number
  status: string
  createdAt: Date
  updatedAt: Date
}

type Row = { id: number; code: string; partnerId: number; offerId: number; status: string; createdAt: Date; updatedAt: Date }
const view = (a: Row, baseUrl: string): AssignmentView => ({ ...a, link: trackedLink(baseUrl, a.code) })

export async function createAssignment(ctx: OnboardingContext, input: unknown, baseUrl: string): Promise<AssignmentView> {
  const a = assignmentCreateSchema.parse(input)
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.database.prisma.$transaction(async (db) => {
        const [partner, offer] = await Promise.all([
          db.partner.findUnique({ where: { id: a.partnerId }, select: { id: true } }),
          db.offer.findUnique({ where: { id: a.offerId }, select: { id: true } }),
        ])
        if (!partner) throw new InvalidInput(`partnerId: no partner ${a.partnerId}`)
        if (!offer) throw new InvalidInput(`offerId: no offer ${a.offerId}`)
        const row = await db.assignment.create({
          data: { partnerId: a.partnerId, offerId: a.offerId, status: a.status ?? 'pending', code: newLinkCode() },
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
  return ctx.database.prisma.$transaction(async (db) => {
    const current = await db.assignment.findUnique({ where: { id: assignmentId } })
    if (!current) throw new NotFound(`no assignment ${assignmentId}`)
    if (!assignmentMoveAllowed(current.status as AssignmentStatus, status)) {
      throw new Refused(`an assignment cannot go from ${current.status} to ${status}`)
    }
    if (current.status === status) return view(current, baseUrl)
    const row = await db.assignment.update({ where: { id: assignmentId }, data: { status } })
    await audit(db, ctx.actor, 'assignment.status', `assignment:${assignmentId}`, { from: current.status, to: status })
    return view(row, baseUrl)
  })
}

export async function listAssignments(
  ctx: Pick<OnboardingContext, 'database'>,
  baseUrl: string,
  filter: { partnerId?: number } = {},
): Promise<AssignmentView[]> {
  const rows = await ctx.database.prisma.assignment.findMany({
    where: filter.partnerId ? { partnerId: filter.partnerId } : {},
    orderBy: { id: 'asc' },
  })
  return rows.map((r) => view(r, baseUrl))
}

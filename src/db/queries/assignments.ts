// Assignments: reads and writes of the assignments table.
import type { DbWriter } from '../client.ts'
import type { Assignment, Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export function insertAssignment(db: Queryable, data: Prisma.AssignmentUncheckedCreateInput): Promise<Assignment> {
  return clientOf(db).assignment.create({ data })
}

export function assignmentById(db: Queryable, id: number): Promise<Assignment | null> {
  return clientOf(db).assignment.findUnique({ where: { id } })
}

export function setAssignmentStatus(db: DbWriter, id: number, status: string): Promise<Assignment> {
  return db.assignment.update({ where: { id }, data: { status } })
}

/** Assignments by id, of one partner when given. */
export function listAssignments(db: Queryable, filter: { partnerId?: number } = {}): Promise<Assignment[]> {
  return clientOf(db).assignment.findMany({
    where: filter.partnerId ? { partnerId: filter.partnerId } : {},
    orderBy: { id: 'asc' },
  })
}

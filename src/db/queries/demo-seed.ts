// Rows only the demo data set writes as they are: postback log lines with their
// verdict and time already known (the intake writes its own through src/db/hot).
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export async function insertPostbackLogLines(db: Queryable, lines: Prisma.PostbackLogCreateManyInput[]): Promise<void> {
  await clientOf(db).postbackLog.createMany({ data: lines })
}

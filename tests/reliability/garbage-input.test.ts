// npm run test:reliability: the garbage properties of tests/security/garbage-input.test.ts
// with ten times the runs, on both databases. Prints "garbage inputs tried: N, 500s: 0".
import { garbageSuite } from '../helpers/garbage-suite.ts'

garbageSuite({ postbackRuns: 3_000, redirectRuns: 1_500 })

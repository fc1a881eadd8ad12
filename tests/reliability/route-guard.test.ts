// npm run test:reliability: the route-guard walk of tests/security/route-guard.test.ts
// once more, so that its count is among the suite's printed counts:
// "routes enumerated: N …, unguarded admin routes: 0".
import { describeRouteGuardWalk } from '../helpers/route-guard.ts'

describeRouteGuardWalk()

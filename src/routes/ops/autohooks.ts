// Everything under /ops: the page hooks, the guard, the role and CSRF (plugins/page-hooks.ts).
import { consoleHooks } from '../../plugins/page-hooks.ts'

export default consoleHooks

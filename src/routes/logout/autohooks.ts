// /logout is a page: security headers and the text-input check (plugins/page-hooks.ts).
import { pageHooks } from '../../plugins/page-hooks.ts'

export default pageHooks

// Text a database cannot store is refused at the edge, once for every page and
// API route: PostgreSQL rejects a NUL character in text and cannot encode a lone
// UTF-16 surrogate, which turned a search, a name or a reason into a 500. Any such
// character anywhere in the query, the route params or the parsed body (form or
// JSON, at any depth, keys included) is a 400 that says where.
//
// Registered for the page folders only (plugins/page-hooks.ts): the redirector never pays
// for it, and the postback endpoint checks its own input.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { InvalidInput } from '../errors.ts'

const MAX_DEPTH = 64

// String.prototype.isWellFormed (ES2024, in Node since 20): false for a lone surrogate.
type WellFormedCheck = string & { isWellFormed(): boolean }

/** Why a string cannot be stored as text, or null when it can. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character'
  if (!(text as WellFormedCheck).isWellFormed()) return 'a lone surrogate (invalid Unicode)'
  return null
}

/** The first unstorable string in a parsed value, with its path ("body.name"), or null. */
export function findUnstorableText(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') {
    const why = unstorable(value)
    return why && `${path} contains ${why}`
  }
  if (value === null || typeof value !== 'object') return null
  if (depth >= MAX_DEPTH) return `${path} is nested too deeply`
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`, depth + 1)
      if (found) return found
    }
    return null
  }
  for (const key of Object.keys(value)) {
    const why = unstorable(key)
    if (why) return `a field name in ${path} contains ${why}`
    const found = findUnstorableText((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1)
    if (found) return found
  }
  return null
}

// Callback style, at preValidation: the body is parsed, nothing has read it yet.
function refuseUnstorableText(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  const found =
    findUnstorableText(request.query, 'query') ?? findUnstorableText(request.params, 'params') ?? findUnstorableText(request.body, 'body')
  if (!found) {
    done()
    return
  }
  done(new InvalidInput(`text input refused: ${found}`))
}

/** Adds the check to every route of `app`'s context (registered after it). */
export function refuseUnstorableTextIn(app: FastifyInstance): void {
  app.addHook('preValidation', refuseUnstorableText)
}

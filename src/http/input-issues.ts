// What was wrong with a request's input, whether a route's schema found it
// (fastify-type-provider-zod's validation error) or a domain parsed it with zod:
// one list of (path, message) for the error handler and the console's forms.
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { ZodError } from 'zod'

export interface InputIssue {
  /** "field.sub" ("" for the input as a whole). */
  path: string
  message: string
}

/** The issues of a validation error or a ZodError; null for any other error. */
export function inputIssues(error: unknown): InputIssue[] | null {
  if (error instanceof ZodError) return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  if (hasZodFastifySchemaValidationErrors(error))
    return error.validation.map((v) => ({ path: v.instancePath.slice(1).replaceAll('/', '.'), message: v.message ?? '' }))
  return null
}

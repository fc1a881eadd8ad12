// What was wrong with a request's input, whether a route's schema found it
// (fastify-type-provider-zod's validation error) or a domain parsed it with zod:
// one list of (path, message) for the error handler and the console's forms.
// The zod issue's code and details travel along, so the console can word the
// issue in French for people while the JSON API keeps zod's English.
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { ZodError } from 'zod'

export interface InputIssue {
  /** "field.sub" ("" for the input as a whole). */
  path: string
  message: string
  /** zod's issue code ("too_small", "invalid_type"…), when zod found it. */
  code?: string
  /** The issue's details (minimum, maximum, origin, expected, format…). */
  params?: Record<string, unknown>
}

/** The issues of a validation error or a ZodError; null for any other error. */
export function inputIssues(error: unknown): InputIssue[] | null {
  if (error instanceof ZodError)
    return error.issues.map(({ path, message, code, ...params }) => ({ path: path.join('.'), message, code, params }))
  if (hasZodFastifySchemaValidationErrors(error))
    return error.validation.map((v) => ({
      path: v.instancePath.slice(1).replaceAll('/', '.'),
      message: v.message ?? '',
      code: v.keyword,
      params: v.params,
    }))
  return null
}

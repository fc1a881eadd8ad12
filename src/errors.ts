// Errors a user can cause, each with its HTTP status; mapped to answers in one
// place (plugins/error-handlers.ts). Anything else is our bug: a logged 500.

export class DomainError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** Malformed input: the caller must change the request. */
export class InvalidInput extends DomainError {
  constructor(message: string) {
    super(message, 400)
  }
}

export class NotFound extends DomainError {
  constructor(message: string) {
    super(message, 404)
  }
}

/** Well-formed, but the current state refuses it (hold, balance, wrong status). */
export class Refused extends DomainError {
  constructor(message: string) {
    super(message, 409)
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super(message, 403)
  }
}

// Guessing limits that no one can turn against someone else.
//
// Logins: counted per (email, address). After FREE_FAILURES failures in a row the
// pair waits, a delay that doubles with each further failure up to MAX_DELAY_MS.
// Failures for account X from address A never slow X from address B, nor account
// Y from A; an email that has no account is counted the same way. The counts live
// in the database (login_throttles), so restarts and other instances share them.
//
// The x-admin-secret header: failures per address in a fixed window, in memory
// (the guard must stay cheap); past the limit that address gets 429 until the
// window ends, and no other address is affected.
import { createHash } from 'node:crypto'
import type { Queryable } from '../db/queries/access.ts'
import { clearThrottle, deleteThrottlesBefore, saveThrottle, throttleOf } from '../db/queries/login-throttles.ts'
import { DomainError } from '../errors.ts'
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../time.ts'

export const LOGIN_THROTTLE = {
  freeFailures: 3,
  baseDelayMs: 5 * SECOND_MS,
  maxDelayMs: 5 * MINUTE_MS,
  /** A pair with no failure for this long starts again from zero. */
  forgetAfterMs: HOUR_MS,
}

/** Too many attempts: wait retryAfterSeconds. */
export class TooManyAttempts extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(`trop de tentatives : réessayez dans ${retryAfterSeconds} s`, 429)
  }
}

export function delayAfter(failures: number): number {
  if (failures < LOGIN_THROTTLE.freeFailures) return 0
  return Math.min(LOGIN_THROTTLE.maxDelayMs, LOGIN_THROTTLE.baseDelayMs * 2 ** Math.min(failures - LOGIN_THROTTLE.freeFailures, 20))
}

export function throttleKey(email: string, address: string): string {
  return createHash('sha256').update(`${email}\u0000${address}`).digest('hex')
}

// Attempts of one pair run one after the other, so a burst sent at once is
// counted like the same guesses sent in a row (each sees the failures before it).
const inFlight = new Map<string, Promise<unknown>>()

async function serialised<T>(key: string, run: () => Promise<T>): Promise<T> {
  for (let previous = inFlight.get(key); previous; previous = inFlight.get(key)) await previous.catch(() => undefined)
  const current = run()
  inFlight.set(key, current)
  try {
    return await current
  } finally {
    if (inFlight.get(key) === current) inFlight.delete(key)
  }
}

let lastPrune = 0

/**
 * Runs one login attempt of a pair: refused with TooManyAttempts while the pair
 * waits; otherwise `verify` decides, a failure is counted and a success clears
 * the count.
 */
export async function throttledAttempt<T>(db: Queryable, key: string, now: () => Date, verify: () => Promise<T | null>): Promise<T | null> {
  return serialised(key, async () => {
    const start = now()
    const row = await throttleOf(db, key)
    if (row?.blockedUntil && row.blockedUntil > start)
      throw new TooManyAttempts(Math.ceil((row.blockedUntil.getTime() - start.getTime()) / 1000))
    const result = await verify()
    const at = now()
    if (result !== null) {
      if (row) await clearThrottle(db, key)
      return result
    }
    const fresh = !row || at.getTime() - row.lastFailureAt.getTime() > LOGIN_THROTTLE.forgetAfterMs
    const failures = fresh ? 1 : row.failures + 1
    const delay = delayAfter(failures)
    const blockedUntil = delay > 0 ? new Date(at.getTime() + delay) : null
    await saveThrottle(db, { key, failures, lastFailureAt: at, blockedUntil })
    if (at.getTime() - lastPrune > MINUTE_MS) {
      lastPrune = at.getTime()
      await deleteThrottlesBefore(db, new Date(at.getTime() - DAY_MS))
    }
    return null
  })
}

/** Failed x-admin-secret attempts per address, in a fixed window. */
export class SecretGuessLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>()

  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 15 * MINUTE_MS,
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds this address must wait before its secret is looked at again; 0 if none. */
  waitFor(address: string): number {
    const w = this.windows.get(address)
    if (!w) return 0
    const left = w.start + this.windowMs - this.now()
    if (left <= 0) {
      this.windows.delete(address)
      return 0
    }
    return w.failures >= this.maxFailures ? left : 0
  }

  failed(address: string): void {
    const t = this.now()
    let w = this.windows.get(address)
    if (!w || t - w.start >= this.windowMs) {
      this.windows.delete(address)
      w = { start: t, failures: 0 }
      this.windows.set(address, w)
      if (this.windows.size > this.maxAddresses) this.windows.delete(this.windows.keys().next().value as string)
    }
    w.failures++
  }
}

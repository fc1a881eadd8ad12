// One-shot messages after a form (POST → redirect → GET): the outcome of the
// action travels in a signed cookie read and cleared by the next page. Signed,
// so no one can make a page show a message of their choosing.
import type { FastifyReply, FastifyRequest } from 'fastify'

export const FLASH_COOKIE = 'cf_flash'

export interface Flash {
  kind: 'ok' | 'error'
  text: string
}

export function setFlash(reply: FastifyReply, flash: Flash): void {
  const value = Buffer.from(JSON.stringify({ k: flash.kind, t: flash.text.slice(0, 600) })).toString('base64url')
  reply.setCookie(FLASH_COOKIE, value, { signed: true, httpOnly: true, sameSite: 'strict', path: '/', maxAge: 120 })
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = request.cookies[FLASH_COOKIE]
  if (!raw) return null
  reply.clearCookie(FLASH_COOKIE, { path: '/' })
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return null
  try {
    const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as { k?: unknown; t?: unknown }
    if ((parsed.k === 'ok' || parsed.k === 'error') && typeof parsed.t === 'string') return { kind: parsed.k, text: parsed.t }
  } catch {
    // a damaged cookie is just no message
  }
  return null
}

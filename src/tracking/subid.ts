// The sub-id we hand to a network on every click and get back in its postback:
// `<pid><sep><aid><sep><clk>` (partner id, assignment id, click id). Some networks
// forbid ":" in sub-ids, so a network may use "_" or "-" instead.
export const SUBID_SEPARATORS = [':', '_', '-'] as const
export type SubidSeparator = (typeof SUBID_SEPARATORS)[number]

export interface SubId {
  partnerId: number
  assignmentId: number
  clickId: string
}

const MAX_ID = 2_147_483_647
// pid and aid are digits, so the first two separators are unambiguous even when
// the separator also appears inside the click id (a legacy or foreign one).
const SUBID = /^(\d{1,10})([:_-])(\d{1,10})\2([A-Za-z0-9_-]{1,64})$/

export function formatSubid(subid: SubId, separator: SubidSeparator = ':'): string {
  return `${subid.partnerId}${separator}${subid.assignmentId}${separator}${subid.clickId}`
}

/** The fixed part of a click's sub-id, before the click id. */
export function subidPrefix(partnerId: number, assignmentId: number, separator: SubidSeparator): string {
  return `${partnerId}${separator}${assignmentId}${separator}`
}

export type ParsedSubid = { ok: true; subid: SubId } | { ok: false; reason: string }

/**
 * Reads a sub-id as a network sends it back: already query-decoded, sometimes
 * encoded once more by the network (`1%3A2%3Aabc`). Any of the three separators
 * is accepted, so changing a network's separator does not orphan older clicks.
 */
export function parseSubid(raw: string | undefined): ParsedSubid {
  if (raw === undefined || raw.trim() === '') return { ok: false, reason: 'missing subid' }
  let value = raw.trim()
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value)
    } catch {
      return { ok: false, reason: 'malformed subid (bad percent-encoding)' }
    }
  }
  const m = SUBID.exec(value)
  if (!m) return { ok: false, reason: 'malformed subid (expected pid:aid:clk)' }
  const partnerId = Number(m[1])
  const assignmentId = Number(m[3])
  if (partnerId > MAX_ID || assignmentId > MAX_ID) return { ok: false, reason: 'malformed subid (id out of range)' }
  return { ok: true, subid: { partnerId, assignmentId, clickId: m[4]! } }
}

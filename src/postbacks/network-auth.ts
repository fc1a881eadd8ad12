// Who may report conversions for a network: whoever knows its postback token
// (compared in constant time) and, when the network has an allow-list, only from
// those addresses (IPs or CIDR ranges, IPv4 and IPv6). The source address is
// Fastify's request.ip, which honours X-Forwarded-For only when TRUST_PROXY says
// a proxy is in front of us.
import { hash } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { secretsEqual } from '../security/secrets.ts'

export class InvalidAllowList extends Error {}

export interface AllowList {
  /** Normalised entries, as stored ("203.0.113.7", "10.0.0.0/8", "2001:db8::/32"). */
  entries: string[]
  blockList: BlockList
}

/** Parses "203.0.113.7, 10.0.0.0/8 2001:db8::/32" (commas or spaces); empty → null (any source). */
export function parseAllowList(spec: string | readonly string[]): AllowList | null {
  const items = (typeof spec === 'string' ? spec.split(/[\s,]+/) : spec.flatMap((s) => s.split(/[\s,]+/)))
    .map((s) => s.trim())
    .filter(Boolean)
  if (items.length === 0) return null
  const blockList = new BlockList()
  const entries: string[] = []
  for (const item of items) {
    const [address, prefixText, extra] = item.split('/')
    const family = isIP(address ?? '')
    if (!address || family === 0 || extra !== undefined) throw new InvalidAllowList(`"${item}" is not an IP address or CIDR range`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (prefixText === undefined) {
      blockList.addAddress(address, type)
      entries.push(address)
      continue
    }
    const prefix = Number(prefixText)
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128))
      throw new InvalidAllowList(`"${item}" has an invalid prefix length`)
    blockList.addSubnet(address, prefix, type)
    entries.push(`${address}/${prefix}`)
  }
  return { entries, blockList }
}

/** "::ffff:203.0.113.7" (an IPv4 client on a dual-stack socket) is 203.0.113.7. */
export function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return mapped ? mapped[1]! : ip
}

export function ipAllowed(allow: AllowList | null, ip: string | null | undefined): boolean {
  if (!allow) return true
  if (!ip) return false
  const address = normaliseIp(ip)
  const family = isIP(address)
  if (family === 0) return false
  return allow.blockList.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

export function tokenMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && secretsEqual(given, expected)
}

/**
 * What the postback log keeps instead of a token: "***" and a short keyed
 * fingerprint. The secret is not in the log, yet a replay can still tell whether
 * the logged request carried the network's current token.
 */
export function maskedToken(salt: string, token: string): string {
  return `***${hash('sha256', `${salt}\u0000postback-token\u0000${token}`, 'hex').slice(0, 12)}`
}

/** The fingerprint inside a masked token, or null for a bare "***" (older logs) or anything else. */
export function fingerprintOf(masked: string): string | null {
  const m = /^\*\*\*([0-9a-f]{12})$/.exec(masked)
  return m ? m[1]! : null
}

// Builds the advertiser URL a click is sent to: the offer's URL with the network's
// sub-id parameter merged into its query. The existing query is kept byte for byte
// (only the sub-id parameter is replaced if already present), the fragment is kept,
// and the value is percent-encoded. Parsing goes through WHATWG URL, so only
// absolute http(s) URLs pass.

export class InvalidOfferUrl extends Error {}

/** The offer URL, parsed and checked: absolute http or https with a host. */
export function parseOfferUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InvalidOfferUrl('not an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidOfferUrl('must be http or https')
  if (!url.hostname) throw new InvalidOfferUrl('has no host')
  if (url.username || url.password) throw new InvalidOfferUrl('must not carry credentials')
  return url
}

function paramName(pair: string): string {
  const eq = pair.indexOf('=')
  const name = eq === -1 ? pair : pair.slice(0, eq)
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '))
  } catch {
    return name
  }
}

/** The offer URL with `param=value` in its query (replacing any earlier value of `param`). */
export function mergeSubid(offerUrl: string, param: string, value: string): string {
  const url = parseOfferUrl(offerUrl)
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && paramName(pair) !== param)
  kept.push(`${encodeURIComponent(param)}=${encodeURIComponent(value)}`)
  // The search setter keeps existing %XX escapes and only encodes what a query may not contain.
  url.search = `?${kept.join('&')}`
  return url.href
}

/**
 * A click's target is `before + clickId + after`: computed once per link, so the
 * redirect does string concatenation, not URL parsing. Click ids are [A-Za-z0-9],
 * which need no encoding, so the result is exactly what mergeSubid would give.
 */
export interface TargetTemplate {
  before: string
  after: string
}

const MARK = 'Zq7CfClickMark9Xw'

export function targetTemplate(offerUrl: string, param: string, valuePrefix: string): TargetTemplate {
  const href = mergeSubid(offerUrl, param, `${valuePrefix}${MARK}`)
  const at = href.indexOf(MARK)
  if (at === -1 || href.indexOf(MARK, at + 1) !== -1) throw new InvalidOfferUrl('cannot place the sub-id in this URL')
  return { before: href.slice(0, at), after: href.slice(at + MARK.length) }
}

export function targetFor(template: TargetTemplate, clickId: string): string {
  return template.before + clickId + template.after
}

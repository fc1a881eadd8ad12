// A strict reader of the XML our payout files use, written for the tests so that
// the SEPA file is checked by something other than the code that wrote it:
// elements, attributes, text with the five XML entities; a prolog, one root,
// every tag closed in order. Anything else (comments, CDATA, DTDs, mixed content,
// an unknown entity) is an error.

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', apos: "'", quot: '"' }

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';') || !(name in ENTITIES)) throw new Error(`bad entity "${whole}" near ${at}`)
    return ENTITIES[name]!
  })
}

export function readXml(xml: string): XmlElement {
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>\r?\n/.exec(xml)
  if (!prolog) throw new Error('no XML 1.0 UTF-8 prolog')
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  let i = prolog[0].length
  while (i < xml.length) {
    token.lastIndex = i
    const t = token.exec(xml)
    if (!t) throw new Error(`not our XML at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`)
    i = token.lastIndex
    const [, closing, name, attrText, selfClosing, text] = t
    if (text !== undefined) {
      const top = stack.at(-1)
      if (!top) {
        if (text.trim() !== '') throw new Error(`text outside the root at ${i}`)
      } else top.text += decode(text, i)
      continue
    }
    if (closing) {
      const top = stack.pop()
      if (!top || top.name !== name) throw new Error(`</${name}> closes ${top?.name ?? 'nothing'} at ${i}`)
      if (top.children.length > 0 && top.text.trim() !== '') throw new Error(`mixed content in ${name}`)
      continue
    }
    const attrs: Record<string, string> = {}
    for (const m of (attrText ?? '').matchAll(/([\w:.-]+)="([^"<]*)"/g)) {
      if (m[1]! in attrs) throw new Error(`attribute ${m[1]} twice in ${name}`)
      attrs[m[1]!] = decode(m[2]!, i)
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: '' }
    const parent = stack.at(-1)
    if (parent) parent.children.push(el)
    else if (root) throw new Error('a second root element')
    else root = el
    if (!selfClosing) stack.push(el)
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> never closed`)
  if (!root) throw new Error('no root element')
  return root
}

/** The one child called `name` (an error if there are none or several). */
export function one(el: XmlElement, path: string): XmlElement {
  let at = el
  for (const name of path.split('/')) {
    const found = at.children.filter((c) => c.name === name)
    if (found.length !== 1) throw new Error(`${at.name} has ${found.length} <${name}>`)
    at = found[0]!
  }
  return at
}

export const textAt = (el: XmlElement, path: string) => one(el, path).text

/** Every element without children (the ones that hold text), with its path. */
export function leaves(el: XmlElement, path = el.name): { path: string; text: string }[] {
  if (el.children.length === 0) return [{ path, text: el.text }]
  return el.children.flatMap((c) => leaves(c, `${path}/${c.name}`))
}

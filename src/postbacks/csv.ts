// RFC 4180 CSV as networks export it: quoted fields (a doubled quote inside),
// CRLF or LF, a quoted field may span lines. Each record keeps the line it
// starts on (1 = the header) and its text as written, for the postback log.

export interface CsvRecord {
  /** The physical line the record starts on (1-based). */
  line: number
  fields: string[]
  /** The record as written, without its line break. */
  raw: string
}

export type CsvRead = { ok: true; records: CsvRecord[] } | { ok: false; reason: string }

/** Reads every record; blank lines are skipped. Stops at `maxRecords` + 1 so a caller can refuse an oversized file. */
export function readCsv(text: string, maxRecords: number): CsvRead {
  const records: CsvRecord[] = []
  let i = 0
  let line = 1
  const n = text.length
  while (i < n && records.length <= maxRecords) {
    const start = i
    const startLine = line
    const fields: string[] = []
    let field = ''
    let quoted = false
    let wasQuoted = false
    for (;;) {
      if (i >= n) {
        if (quoted) return { ok: false, reason: `line ${String(startLine)}: unterminated quoted field` }
        fields.push(field)
        break
      }
      const c = text[i]!
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
          } else {
            quoted = false
            i++
          }
        } else {
          if (c === '\n') line++
          field += c
          i++
        }
        continue
      }
      if (c === '"' && field === '' && !wasQuoted) {
        quoted = true
        wasQuoted = true
        i++
      } else if (c === ',') {
        fields.push(field)
        field = ''
        wasQuoted = false
        i++
      } else if (c === '\r' || c === '\n') {
        fields.push(field)
        break
      } else if (wasQuoted) {
        return { ok: false, reason: `line ${String(line)}: text after a closing quote` }
      } else {
        field += c
        i++
      }
    }
    const raw = text.slice(start, i)
    if (text[i] === '\r') i++
    if (text[i] === '\n') i++
    if (i > start || raw !== '') line++
    if (raw.trim() !== '') records.push({ line: startLine, fields, raw })
  }
  return { ok: true, records }
}

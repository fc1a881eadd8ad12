// The architecture's rules, checked on every `npm test` (docs/architecture.md):
// - no import cycle anywhere in src/ (type-only imports count: they are how a
//   cycle starts);
// - the generated Prisma clients are imported only under src/db/, and only
//   src/db/ calls the client or runs SQL;
// - wallet entries and their daily totals are read and written only by src/ledger/;
// - the hot path (src/db/hot/) is reached only through its index;
// - domain folders never import routes or plugins (data flows route → domain → db).
// Prints each broken rule with the files involved; exits 1 if any.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const src = path.join(root, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : sourceFiles(full)
    return /\.(ts|mjs)$/.test(name) ? [full] : []
  })
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** The project files a file imports (relative specifiers resolved; packages left out). */
function importsOf(file: string, text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]
    if (!spec?.startsWith('.')) continue
    const target = path.resolve(path.dirname(file), spec)
    out.push(target.replace(/\.js$/, '.ts'))
  }
  return out
}

const rel = (f: string) => path.relative(root, f)
const under = (f: string, dir: string) => rel(f).startsWith(`${dir}/`)

const files = sourceFiles(src)
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]))
const graph = new Map(files.map((f) => [f, importsOf(f, texts.get(f)!)]))
const problems: string[] = []

// 1. Cycles: Tarjan's strongly connected components.
{
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      const selfLoop = component.length === 1 && (graph.get(v) ?? []).includes(v)
      if (component.length > 1 || selfLoop) problems.push(`import cycle: ${component.map(rel).sort().join(' ↔ ')}`)
    }
  }
  for (const f of files) if (!idx.has(f)) visit(f)
}

for (const [file, imports] of graph) {
  const from = rel(file)
  for (const target of imports) {
    const to = rel(target)
    // 2. Generated clients only under src/db.
    if (to.startsWith('src/generated/') && !under(file, 'src/db'))
      problems.push(`${from} imports a generated Prisma client (${to}): only src/db/ may`)
    // 3. The ledger owns the money.
    if (/^src\/db\/queries\/(wallet-entr|ledger-daily)/.test(to) && !under(file, 'src/ledger'))
      problems.push(`${from} imports ${to}: wallet entries are read and written only by src/ledger/`)
    // 4. The hot path through its index only.
    if (to.startsWith('src/db/hot/') && to !== 'src/db/hot/index.ts' && !under(file, 'src/db/hot'))
      problems.push(`${from} imports ${to}: the hot path is reached through src/db/hot/index.ts only`)
    // 5. Route → domain → database, never back.
    const isEdge = ['src/routes', 'src/plugins', 'src/cli'].some((d) => under(file, d)) || ['src/app.ts', 'src/server.ts'].includes(from)
    if (!isEdge && (to.startsWith('src/routes/') || to.startsWith('src/plugins/')))
      problems.push(`${from} imports ${to}: a domain never imports routes or plugins`)
  }
  // 2b. Only src/db talks to the database.
  if (!under(file, 'src/db')) {
    const text = texts.get(file)!
    for (const [pattern, what] of [
      [/\$(queryRaw|executeRaw|transaction)\w*\s*[(`]/, 'runs SQL through the Prisma client'],
      [/\.prisma\.\w+/, 'calls the Prisma client'],
      [/\b(app|fastify)\.db\b/, 'uses the Prisma client (app.db)'],
    ] as const) {
      if (pattern.test(text)) problems.push(`${from} ${what}: only src/db/ talks to the database`)
    }
  }
}

if (problems.length) {
  console.error(`architecture: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  process.exit(1)
}
console.log(`architecture: ${files.length} files under src/, no import cycle, every boundary held`)

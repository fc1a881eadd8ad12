// Removes from dist/ what an earlier build compiled from sources that are gone.
// tsc never deletes an output, and the routes are autoloaded from dist/routes:
// a stale file there would be served (or clash with the route that replaced it).
// Run after every build (npm run build; tests/helpers/server-process.ts).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'

const SOURCES: Record<string, string[]> = { '.js': ['.ts', '.js'], '.mjs': ['.mts', '.mjs'] }

/** Deletes dist/**\/*.{js,mjs} without a source in src/ (and folders left empty); returns what it deleted. */
export function pruneDist(root: string): string[] {
  const dist = path.join(root, 'dist')
  const src = path.join(root, 'src')
  const removed: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name)
      if (statSync(full).isDirectory()) {
        walk(full)
        if (readdirSync(full).length === 0) rmSync(full, { recursive: true })
        continue
      }
      const ext = path.extname(name)
      const sources = SOURCES[ext]
      if (!sources) continue
      const base = path.join(src, path.relative(dist, full)).slice(0, -ext.length)
      if (sources.some((e) => existsSync(base + e))) continue
      rmSync(full)
      removed.push(path.relative(root, full))
    }
  }
  if (existsSync(dist)) walk(dist)
  return removed
}

if (import.meta.filename === process.argv[1]) {
  const removed = pruneDist(path.resolve(import.meta.dirname, '..'))
  if (removed.length) console.log(`dist: removed ${removed.length} stale file(s): ${removed.join(', ')}`)
}

// The figures a reliability test proves (acknowledged vs found, racers vs entries),
// written straight to stdout as plain lines: they show in the run's output as they
// are, not buried under vitest's per-test console headers.
export function report(line: string): void {
  process.stdout.write(`${line}\n`)
}

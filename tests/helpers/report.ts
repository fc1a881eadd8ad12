// The figures a reliability test proves (acknowledged vs found, racers vs entries),
// printed as plain lines whatever the reporter: vitest only shows console output
// per test, and not at all with --silent; the worker's stdout reaches the terminal.
export function report(line: string): void {
  process.stdout.write(`${line}\n`)
}

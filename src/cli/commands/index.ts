// Every operator command, in the order `help` lists them.
import type { Command } from '../command.ts'
import { migrate } from './migrate.ts'
import { demo } from './demo.ts'

export const commands: Command[] = [migrate, demo]

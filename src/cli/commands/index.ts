// Every operator command, in the order `help` lists them.
import type { Command } from '../command.ts'
import { migrate } from './migrate.ts'
import { demo } from './demo.ts'
import { networks } from './networks.ts'
import { offers } from './offers.ts'
import { partners } from './partners.ts'
import { assignments } from './assignments.ts'
import { postbackTest } from './postback-test.ts'
import { postbacksReplay } from './postbacks-replay.ts'
import { users } from './users.ts'

export const commands: Command[] = [migrate, demo, networks, offers, partners, assignments, postbackTest, postbacksReplay, users]

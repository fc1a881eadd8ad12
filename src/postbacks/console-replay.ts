// Replays started from the console (/admin/postbacks): one log line, or the
// replayable lines of the current selection, at most MAX_REPLAY_SELECTION per
// click — through replay.ts, so with the very checks of `postbacks:replay`
// (replayable outcomes only, truncated lines refused, idempotent). Each replay
// is audited (who, how many, which lines); its outcome is worded for the page.
import { postbackLogById, replayableLogIds, type PostbackLogFilter } from '../db/queries/postback-logs.ts'
import { NotFound } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { outcomeLabel } from '../console/labels.ts'
import type { PostbackContext } from './receive-postback.ts'
import { REPLAYABLE, replayPostbacks, STUCK_AFTER_MS, TRUNCATED_REASON, type ReplayResult } from './replay.ts'
import { TRUNCATION_SUFFIX } from './unauthenticated-log.ts'

/** Lines one click on "rejouer la sélection" replays at most (each is its own ledger transaction). */
export const MAX_REPLAY_SELECTION = 500

/** Why a replay leaves a line alone, in French (replay.ts's rule). */
export function whyNotReplayable(outcome: string, truncated: boolean): string {
  if (truncated)
    return "tronqué dans le journal (il avait échoué à l'authentification, seul son début est conservé) : le réseau doit le renvoyer"
  if (outcome === 'forbidden') return 'refusé pour son jeton ou son adresse : le réseau doit le renvoyer'
  if (outcome === 'received') return 'en cours de traitement (rejouable après 5 minutes sans verdict)'
  return `déjà ${outcomeLabel(outcome)}`
}

export type ReplayWord = 'OK' | 'DUPLICATE' | 'refusé'

export interface ConsoleReplayLine {
  logId: number
  word: ReplayWord
  /** Why it was refused (the replay's reason, or why it was left alone). */
  reason: string | null
  entryId: number | null
}

export interface ConsoleReplay {
  lines: ConsoleReplayLine[]
  ok: number
  duplicates: number
  refused: number
}

function lineOf(r: ReplayResult): ConsoleReplayLine {
  const entryId = r.verdict?.entryId ?? null
  if (r.skipped !== undefined)
    return { logId: r.logId, word: 'refusé', reason: whyNotReplayable(r.before, r.skipped === TRUNCATED_REASON), entryId }
  if (r.after === 'accepted' || r.after === 'updated') return { logId: r.logId, word: 'OK', reason: null, entryId }
  if (r.after === 'duplicate') return { logId: r.logId, word: 'DUPLICATE', reason: null, entryId }
  // A plain refusal reads as its reason; a refusal for the token or a fault says which.
  const reason = r.after === 'rejected' ? (r.reason ?? '') : `${outcomeLabel(r.after)} : ${r.reason ?? ''}`
  return { logId: r.logId, word: 'refusé', reason, entryId }
}

export interface ReplayContext {
  postbacks: PostbackContext
  actor: string
}

async function replayAudited(ctx: ReplayContext, ids: number[], subject: string, now: Date): Promise<ConsoleReplay> {
  const results = ids.length === 0 ? [] : await replayPostbacks(ctx.postbacks, { ids, limit: MAX_REPLAY_SELECTION, now })
  const lines = results.map(lineOf)
  const replay: ConsoleReplay = {
    lines,
    ok: lines.filter((l) => l.word === 'OK').length,
    duplicates: lines.filter((l) => l.word === 'DUPLICATE').length,
    refused: lines.filter((l) => l.word === 'refusé').length,
  }
  await audit(ctx.postbacks.database.prisma, ctx.actor, 'postbacks.replay', subject, {
    lines: lines.length,
    ok: replay.ok,
    duplicates: replay.duplicates,
    refused: replay.refused,
    ids: lines.map((l) => l.logId),
  })
  return replay
}

/** Replays one log line (if a replay takes it: otherwise refused, with why). */
export async function replayLogLine(ctx: ReplayContext, id: number, now = new Date()): Promise<ConsoleReplayLine> {
  const line = await postbackLogById(ctx.postbacks.database, id)
  if (!line) throw new NotFound(`Ligne de journal #${String(id)} introuvable`)
  const replay = await replayAudited(ctx, [id], `postback_log:${String(id)}`, now)
  return replay.lines[0]!
}

/** Replays the replayable lines of a selection, at most MAX_REPLAY_SELECTION, newest first as listed. */
export async function replaySelection(ctx: ReplayContext, filter: PostbackLogFilter, now = new Date()): Promise<ConsoleReplay> {
  const ids = await replayableLogIds(ctx.postbacks.database, filter, {
    outcomes: REPLAYABLE,
    stuckBefore: new Date(now.getTime() - STUCK_AFTER_MS),
    truncationSuffix: TRUNCATION_SUFFIX,
    limit: MAX_REPLAY_SELECTION,
  })
  return replayAudited(ctx, ids, 'postback_logs:selection', now)
}

/** The flash message of a replay of one line. */
export function replayLineText(r: ConsoleReplayLine): string {
  if (r.word === 'refusé') return `Ligne #${String(r.logId)} rejouée : refusée — ${r.reason ?? ''}`
  const entry = r.entryId !== null ? ` (conversion #${String(r.entryId)})` : ''
  return `Ligne #${String(r.logId)} rejouée : ${r.word}${entry}.`
}

/** The flash message of a replay of a selection (each line's outcome is on the page it leads to). */
export function replaySelectionText(r: ConsoleReplay): string {
  if (r.lines.length === 0) return 'Aucune ligne rejouable dans cette sélection.'
  const more =
    r.lines.length === MAX_REPLAY_SELECTION
      ? ` (limite de ${String(MAX_REPLAY_SELECTION)} par clic atteinte : la sélection peut en contenir d'autres)`
      : ''
  return `${String(r.lines.length)} ligne(s) rejouée(s)${more} : ${String(r.ok)} OK, ${String(r.duplicates)} DUPLICATE, ${String(r.refused)} refusée(s). Le résultat de chacune est ci-dessous.`
}

// Fastify's pino logger: request ids, and secrets kept out of every line;
// readable lines (pino-pretty) in development, JSON everywhere else.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { IncomingMessage } from 'node:http'
import type { FastifyRequest, FastifyLoggerOptions } from 'fastify'
import type { Config } from '../config.ts'

/** An upstream x-request-id we keep: short and plain, so it cannot bloat or forge log lines. */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/
// A per-process prefix keeps ids distinct across instances and restarts; the counter keeps them cheap.
const ID_PREFIX = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')
const MAX_COUNTER = 2 ** 31 - 1
let counter = 0

/** Fastify's genReqId: the caller's x-request-id when short and plain, otherwise a fresh id. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id']
  if (typeof given === 'string' && given.length <= 64 && PLAIN_REQUEST_ID.test(given)) return given
  counter = counter === MAX_COUNTER ? 1 : counter + 1
  return `${ID_PREFIX}-${counter.toString(36)}`
}

/**
 * Query parameters whose values never reach a log line — also percent-encoded
 * once, as in the login page's `?next=/admin/x%3Ftoken%3D…`.
 */
const SECRET_PARAMS = /((?:[?&]|%3F|%26)(?:token|secret|password|key|sig)(?:=|%3D))(?:(?!%26|%23)[^&#])*/gi

export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***')
}

/**
 * Where pino-pretty is installed, or null. It is a devDependency: an install
 * without them (`npm ci --omit=dev`) has none, and the server logs JSON.
 */
export function installedPrettyPrinter(): string | null {
  try {
    return fileURLToPath(import.meta.resolve('pino-pretty'))
  } catch {
    return null
  }
}

/**
 * Development only: pino-pretty as pino's transport (a worker thread that loads
 * it by name, so production never imports it). Redaction happens before it.
 */
function prettyTransport(config: Config, findPretty: () => string | null, stream: unknown) {
  // A given stream (tests read the lines) gets JSON: pino takes a stream or a transport, not both.
  if (config.env !== 'development' || stream) return {}
  const target = findPretty()
  if (target === null) return {}
  return {
    transport: {
      target,
      options: { translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
    },
  }
}

export interface LoggerChoices {
  /** Where the lines go instead of stdout (always JSON). */
  stream?: NodeJS.WritableStream
  /** Finds pino-pretty (tests replace it). */
  findPretty?: () => string | null
}

export function loggerOptions(config: Config, choices: LoggerChoices = {}): FastifyLoggerOptions & Record<string, unknown> {
  return {
    ...prettyTransport(config, choices.findPretty ?? installedPrettyPrinter, choices.stream),
    ...(choices.stream ? { stream: choices.stream } : {}),
    level: config.logLevel,
    redact: {
      paths: [
        // at the top of a log object and one level down (req, err, body…)
        ...['headers', '*.headers'].flatMap((h) => [`${h}["x-admin-secret"]`, `${h}.cookie`, `${h}.authorization`, `${h}["set-cookie"]`]),
        ...['adminSecret', 'secret', 'token', 'postbackToken', 'password', 'sessionSecret', 'ipHashSalt'].flatMap((k) => [k, `*.${k}`]),
      ],
      censor: '***',
    },
    serializers: {
      req(req: FastifyRequest) {
        return { method: req.method, url: maskUrl(req.url), remoteAddress: req.ip, reqId: req.id }
      },
    },
  }
}

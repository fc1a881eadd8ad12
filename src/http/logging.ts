// Fastify's pino logger: request ids, and secrets kept out of every line.
import type { FastifyRequest, FastifyLoggerOptions } from 'fastify'
import type { Config } from '../config.ts'

/**
 * Query parameters whose values never reach a log line — also percent-encoded
 * once, as in the login page's `?next=/admin/x%3Ftoken%3D…`.
 */
const SECRET_PARAMS = /((?:[?&]|%3F|%26)(?:token|secret|password|key|sig)(?:=|%3D))(?:(?!%26|%23)[^&#])*/gi

export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***')
}

export function loggerOptions(config: Config): FastifyLoggerOptions & Record<string, unknown> {
  return {
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

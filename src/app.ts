// buildApp(config): the whole server, in the order it is put together —
// external plugins (form bodies; cookies come with admin auth, helmet with the
// page hooks), the app's own plugins (database, views, auth, CSRF, maintenance,
// metrics, the tracking runtime), the error and not-found handlers, then the
// routes: src/routes autoloaded, a folder per URL prefix, each page folder's
// autohooks.ts adding its guard and headers.
import path from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import autoload from '@fastify/autoload'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Config, TrustProxy } from './config.ts'
import type { Database } from './db/client.ts'
import { loggerOptions, requestId } from './http/logging.ts'
import databasePlugin from './plugins/database.ts'
import errorHandlers from './plugins/error-handlers.ts'
import adminAuth from './plugins/admin-auth.ts'
import securityHeaders from './plugins/security-headers.ts'
import csrf from './plugins/csrf.ts'
import ledgerMaintenance from './plugins/ledger-maintenance.ts'
import clickRetention from './plugins/click-retention.ts'
import cpcAccrual from './plugins/cpc-accrual.ts'
import views from './plugins/views.ts'
import metrics from './plugins/metrics.ts'
import tracking from './plugins/tracking.ts'
import requestLimits, {
  boundConnections,
  clientErrorHandler,
  connectionBound,
  MAX_BODY_BYTES,
  serverLimits,
} from './plugins/request-limits.ts'

export interface BuildOptions {
  /** An already open database (tests, CLI); otherwise the app opens config.databaseUrl. */
  database?: Database
  /** Logger override (tests pass false). */
  logger?: boolean
  /** Where log lines go (tests read them); default stdout. */
  logStream?: NodeJS.WritableStream
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const limits = serverLimits(config.timeouts)
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config, options.logStream ? { stream: options.logStream } : {}),
    trustProxy: trustProxyOption(config.trustProxy),
    // Networks send long query strings, but nothing legitimate comes close to these.
    routerOptions: { maxParamLength: 200 },
    bodyLimit: MAX_BODY_BYTES,
    // Slow clients are cut off: request, header and keep-alive timeouts (request-limits.ts).
    ...limits,
    // Room for URLs up to 32 KiB to reach our own 414 (and its log line) instead of Node's 431.
    http: { ...limits.http, maxHeaderSize: 32 * 1024 },
    clientErrorHandler,
    // x-request-id only when short and plain (requestId), never copied whatever its size.
    genReqId: requestId,
    // The database plugin applies pending migrations before the server listens; on
    // a large table, or a busy machine, that takes far longer than Fastify's 10 s default.
    pluginTimeout: 10 * 60 * 1000,
  })
  app.decorate('config', config)
  // Route schemas are zod schemas: handlers receive the parsed input (fastify-type-provider-zod).
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  boundConnections(app, config.timeouts, connectionBound(config.timeouts))
  // Every route as registered, for the guard test that walks them all.
  const routes: RegisteredRoute[] = []
  app.decorate('registeredRoutes', routes)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, ownerOnly: route.config?.ownerOnly === true })
  })

  await app.register(requestLimits)
  await app.register(formbody, { bodyLimit: MAX_BODY_BYTES })
  await app.register(databasePlugin, { config, database: options.database })
  await app.register(views)
  await app.register(adminAuth)
  await app.register(securityHeaders)
  await app.register(csrf)
  await app.register(ledgerMaintenance)
  await app.register(clickRetention)
  await app.register(cpcAccrual)
  await app.register(metrics)
  await app.register(tracking)
  // Before the routes: a route context takes its parent's handlers when it is created.
  await app.register(errorHandlers)

  await app.register(autoload, { dir: path.join(import.meta.dirname, 'routes'), autoHooks: true, cascadeHooks: true })
  return app
}

// Running from the sources (tsx, vitest), the routes are .ts files; autoload
// recognises tsx only when it is preloaded with --require, not with --import.
if (import.meta.filename.endsWith('.ts')) process.env.FASTIFY_AUTOLOAD_TYPESCRIPT ??= '1'

/**
 * Fastify's trustProxy for TRUST_PROXY. A hop count is passed as a function:
 * Fastify's own numeric form trusts no hop at all; ours trusts the last `hops`
 * peers (the socket's, then X-Forwarded-For from the right), so the client is the
 * entry the outermost proxy wrote, never one the client put in front of it.
 */
export function trustProxyOption(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false
  if (typeof trust === 'number') return (_address, hop) => hop < trust
  return trust
}

export interface RegisteredRoute {
  method: string
  url: string
  /** Marked for owners only (`config: { ownerOnly: true }`, see plugins/page-hooks.ts). */
  ownerOnly: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    registeredRoutes: RegisteredRoute[]
  }
}

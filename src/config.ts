// The environment, validated once at start-up into a typed config.
import { createHash, randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { z } from 'zod'

const fraction = z.coerce.number().min(0).max(1)
const boolish = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => v === 'true' || v === '1' || v === 'yes')

/** FX_RATES: "USD=0.92,GBP=1.17" → { USD: '0.92', GBP: '1.17', EUR: '1' }; rates stay decimal strings (exact maths). */
const fxRates = z.string().transform((raw, ctx) => {
  const rates: Record<string, string> = { EUR: '1' }
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]{3})\s*[=:]\s*(\d+(?:\.\d{1,8})?)$/.exec(pair)
    if (!m || Number(m[2]) <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" is not CUR=rate (e.g. USD=0.92)` })
      return z.NEVER
    }
    rates[m[1]!.toUpperCase()] = m[2]!
  }
  return rates
})

/**
 * Which peers are proxies whose X-Forwarded-For entry we believe: none (false),
 * the last N hops (a count), or the listed proxy addresses/CIDRs. The client is
 * the first address, counted from the right, that is not a trusted proxy.
 */
export type TrustProxy = false | number | string[]

// proxy-addr's names for the usual private ranges.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** TRUST_PROXY: false | 0 | a hop count | "10.0.0.1, 10.1.0.0/16, loopback"; `true` is refused (it would trust what the client writes). */
const trustProxy = z.string().transform((raw, ctx): TrustProxy => {
  const text = raw.trim().toLowerCase()
  if (text === 'false' || text === 'no' || text === '0') return false
  if (text === 'true' || text === 'yes') {
    ctx.addIssue({
      code: 'custom',
      message:
        'true would trust the left-most X-Forwarded-For entry, which the client writes; set the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.2,10.1.0.0/16)',
    })
    return z.NEVER
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text)
    if (hops > 10) {
      ctx.addIssue({ code: 'custom', message: `${hops} proxies in front is not a real set-up (a hop count is 1 to 10)` })
      return z.NEVER
    }
    return hops
  }
  const entries = text.split(/[\s,]+/).filter(Boolean)
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.has(entry)) continue
    const [address, prefix, extra] = entry.split('/')
    const family = isIP(address ?? '')
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
    if (family === 0 || extra !== undefined || !prefixOk) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" is not false, a hop count, a proxy address or CIDR (e.g. 1, or 10.0.0.2,10.1.0.0/16)`,
      })
      return z.NEVER
    }
  }
  if (entries.length === 0) return false
  return entries
})

const milliseconds = (max: number) => z.coerce.number().int().min(1).max(max)

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .default('file:./data/contentflow.db')
    .refine((u) => u.startsWith('file:') || /^postgres(ql)?:\/\//.test(u), 'must be file:<path> (SQLite) or postgresql://… (PostgreSQL)'),
  ADMIN_SECRET: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Console sessions (src/accounts/sessions.ts): absolute lifetime and idle limit.
  SESSION_MAX_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(8),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  IP_HASH_SALT: z.string().min(16, 'must be at least 16 characters').optional(),
  PAYOUT_RESERVE_PCT: fraction.default(0.3),
  PAYOUT_RELEASE_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  // The smallest payout a partner may request from the portal (src/payouts/payouts.ts).
  PAYOUT_MIN_CENTS: z.coerce.number().int().min(0).max(1_000_000_000).default(5000),
  // The portal's sign-in emails (src/portal/mailer.ts): smtp(s)://user:pass@host:port; unset in development: logged.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be smtp://… or smtps://…')
    .optional(),
  MAIL_FROM: z.string().max(200).default('ContentFlow <no-reply@localhost>'),
  FX_RATES: fxRates.default({ EUR: '1', USD: '0.92', GBP: '1.17', CHF: '1.05', CAD: '0.68', AUD: '0.61' }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  // Slow clients must not hold connections (src/http/timeouts.ts): the whole request, its headers, an idle keep-alive.
  REQUEST_TIMEOUT_MS: milliseconds(600_000).default(10_000),
  HEADERS_TIMEOUT_MS: milliseconds(600_000).default(5_000),
  KEEP_ALIVE_TIMEOUT_MS: milliseconds(600_000).default(5_000),
  // Open connections at once (0: derived from the process's file-descriptor limit).
  MAX_CONNECTIONS: z.coerce.number().int().min(0).max(10_000_000).default(0),
  // The server's SQLite busy wait (it blocks the event loop; writes retry asynchronously instead). The CLI waits 5 s.
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(5_000).default(20),
  // PostgreSQL statement_timeout of the server's pool (0: none), so a postback waiting on a lock answers 503.
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  AUTO_MIGRATE: boolish.default(true),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // Postbacks per second from one source address (0: no limit); see src/plugins/postback-rate-limit.ts.
  POSTBACK_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  // Postbacks that fail authentication logged (truncated) per second from one source; past it only counted.
  POSTBACK_UNAUTHENTICATED_LOG_RATE: z.coerce.number().int().min(0).max(1_000).default(5),
  // Postback log lines older than this are pruned (0: never), but for those tied to a wallet entry.
  POSTBACK_LOG_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  // Raw click events older than this many whole UTC days are pruned (0: never); reports read rollups.
  // At least 30: the dashboard's 7-day figures and the partner page read recent raw events.
  CLICK_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(36_500)
    .refine((d) => d === 0 || d >= 30, 'must be 0 (keep every click) or at least 30 days')
    .default(400),
  // CPC earnings of one partner in one UTC day are capped at this (src/terms/cpc-accrual.ts), until fraud rules exist.
  CPC_DAILY_CAP_CENTS: z.coerce.number().int().min(0).max(100_000_000).default(10_000),
  // The pricing rule of the "Offre actuelle" card (src/pricing/current-offer.ts).
  PRICING_CPC_SHARE: fraction.default(0.5),
  PRICING_CPC_FLOOR_CENTS: z.coerce.number().int().min(0).max(100_000).default(2),
  PRICING_CPC_CAP_CENTS: z.coerce.number().int().min(0).max(100_000).default(100),
  PRICING_BOOTSTRAP_CPC_CENTS: z.coerce.number().int().min(0).max(100_000).default(5),
  PRICING_MIN_CLICKS: z.coerce.number().int().min(1).max(1_000_000_000).default(500),
  // The company paying partners by SEPA transfer (src/payouts/batches.ts checks them when a file is exported).
  SEPA_DEBTOR_NAME: z.string().max(200).optional(),
  SEPA_DEBTOR_IBAN: z.string().max(64).optional(),
  SEPA_DEBTOR_BIC: z.string().max(32).optional(),
})

export type Env = z.infer<typeof envSchema>

export interface Config {
  env: Env['NODE_ENV']
  host: string
  port: number
  publicBaseUrl: string | undefined
  databaseUrl: string
  adminSecret: string
  /** Set when the admin secret was generated for this run (development only). */
  adminSecretGenerated: boolean
  sessionSecret: string
  /** A console session ends this long after login, whatever happens. */
  sessionMaxMs: number
  /** …or after this long without a request. */
  sessionIdleMs: number
  ipHashSalt: string
  payoutReservePct: number
  payoutReleaseDays: number
  /** The smallest payout a partner may request (cents). */
  payoutMinCents: number
  /** SMTP server of the portal's sign-in emails; undefined: links only logged, and only outside production. */
  smtpUrl: string | undefined
  mailFrom: string
  fxRates: Record<string, string>
  logLevel: Env['LOG_LEVEL']
  trustProxy: TrustProxy
  timeouts: TimeoutConfig
  databaseWaits: DatabaseWaitConfig
  autoMigrate: boolean
  /** Serve /metrics unguarded on this port (for a Prometheus scraper); unset: /metrics behind the admin guard. */
  metricsPort: number | undefined
  /** Postbacks per second accepted from one source address; 0: no limit. */
  postbackRateLimit: number
  /** Unauthenticated postbacks logged per second from one source (src/postbacks/unauthenticated-log.ts). */
  postbackUnauthenticatedLogRate: number
  /** Days a postback log line is kept (0: forever); see src/postbacks/log-retention.ts. */
  postbackLogRetentionDays: number
  /** Days of raw click events kept (0: forever); see src/tracking/click-retention.ts. */
  clickRetentionDays: number
  /** A partner's CPC earnings per UTC day are capped at this; see src/terms/cpc-accrual.ts. */
  cpcDailyCapCents: number
  pricing: PricingConfig
  /** The debtor of SEPA payout files, as set (checked when a file is exported, so a missing one only stops SEPA exports). */
  sepaDebtor: { name: string | null; iban: string | null; bic: string | null }
}

/** Bounds on how long a client may take (src/http/timeouts.ts). */
export interface TimeoutConfig {
  /** From the connection's first byte to the request's last (headers and body). */
  requestMs: number
  /** From the connection's first byte to the end of the headers. */
  headersMs: number
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number
  /** Connections open at once; 0: from the file-descriptor limit. */
  maxConnections: number
}

/** How long the server's statements may wait on the database. */
export interface DatabaseWaitConfig {
  /** SQLite: the busy wait on a write lock held elsewhere (synchronous: it blocks the event loop). */
  sqliteBusyTimeoutMs: number
  /** PostgreSQL: statement_timeout of the pool; 0: none. */
  pgStatementTimeoutMs: number
}

/** The pricing rule's parameters (see src/pricing/current-offer.ts). */
export interface PricingConfig {
  /** Share of the 7-day EPC offered as the partner CPC, 0..1. */
  cpcShare: number
  floorCents: number
  capCents: number
  /** CPC offered while the 7-day EPC rests on fewer than minClicks clicks. */
  bootstrapCpcCents: number
  minClicks: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

const MIN_ADMIN_SECRET = 24

/** A secret derived from the admin secret, so that it is the only one an operator must set. */
function derive(adminSecret: string, purpose: string): string {
  return createHash('sha256').update(`contentflow:${purpose}:${adminSecret}`).digest('hex')
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables (KEY= in .env) mean "use the default".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`))
  }
  const env = parsed.data
  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    throw new ConfigError([
      `HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (${env.HEADERS_TIMEOUT_MS} > ${env.REQUEST_TIMEOUT_MS})`,
    ])
  }
  if (env.PRICING_CPC_FLOOR_CENTS > env.PRICING_CPC_CAP_CENTS) {
    throw new ConfigError([
      `PRICING_CPC_FLOOR_CENTS: must not exceed PRICING_CPC_CAP_CENTS (${env.PRICING_CPC_FLOOR_CENTS} > ${env.PRICING_CPC_CAP_CENTS})`,
    ])
  }
  let adminSecret = env.ADMIN_SECRET
  let adminSecretGenerated = false
  if (env.NODE_ENV === 'production') {
    if (!adminSecret) throw new ConfigError(['ADMIN_SECRET: required in production (at least 24 random characters)'])
    if (adminSecret.length < MIN_ADMIN_SECRET) {
      throw new ConfigError([`ADMIN_SECRET: too weak for production (${adminSecret.length} characters, at least ${MIN_ADMIN_SECRET})`])
    }
  } else if (!adminSecret) {
    adminSecret = randomBytes(18).toString('base64url')
    adminSecretGenerated = true
  }
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    adminSecret: adminSecret,
    adminSecretGenerated,
    sessionSecret: env.SESSION_SECRET ?? derive(adminSecret, 'session'),
    sessionMaxMs: Math.round(env.SESSION_MAX_HOURS * 3_600_000),
    sessionIdleMs: Math.round(env.SESSION_IDLE_MINUTES * 60_000),
    ipHashSalt: env.IP_HASH_SALT ?? derive(adminSecret, 'ip-hash'),
    payoutReservePct: env.PAYOUT_RESERVE_PCT,
    payoutReleaseDays: env.PAYOUT_RELEASE_DAYS,
    payoutMinCents: env.PAYOUT_MIN_CENTS,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    fxRates: env.FX_RATES,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    timeouts: {
      requestMs: env.REQUEST_TIMEOUT_MS,
      headersMs: env.HEADERS_TIMEOUT_MS,
      keepAliveMs: env.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.MAX_CONNECTIONS,
    },
    databaseWaits: {
      sqliteBusyTimeoutMs: env.SQLITE_BUSY_TIMEOUT_MS,
      pgStatementTimeoutMs: env.PG_STATEMENT_TIMEOUT_MS,
    },
    autoMigrate: env.AUTO_MIGRATE,
    metricsPort: env.METRICS_PORT,
    postbackRateLimit: env.POSTBACK_RATE_LIMIT,
    postbackUnauthenticatedLogRate: env.POSTBACK_UNAUTHENTICATED_LOG_RATE,
    postbackLogRetentionDays: env.POSTBACK_LOG_RETENTION_DAYS,
    clickRetentionDays: env.CLICK_RETENTION_DAYS,
    cpcDailyCapCents: env.CPC_DAILY_CAP_CENTS,
    pricing: {
      cpcShare: env.PRICING_CPC_SHARE,
      floorCents: env.PRICING_CPC_FLOOR_CENTS,
      capCents: env.PRICING_CPC_CAP_CENTS,
      bootstrapCpcCents: env.PRICING_BOOTSTRAP_CPC_CENTS,
      minClicks: env.PRICING_MIN_CLICKS,
    },
    sepaDebtor: { name: env.SEPA_DEBTOR_NAME ?? null, iban: env.SEPA_DEBTOR_IBAN ?? null, bic: env.SEPA_DEBTOR_BIC ?? null },
  }
}

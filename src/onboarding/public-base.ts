// Where the outside world reaches this server: PUBLIC_BASE_URL, else
// http://HOST:PORT — unless HOST is a wildcard address, which no one can browse
// to; then the origin the operator used for this request, when there is one.
import type { Config } from '../config.ts'

const WILDCARD = new Set(['0.0.0.0', '::', '[::]'])

export function publicBaseUrl(config: Pick<Config, 'publicBaseUrl' | 'host' | 'port'>, requestOrigin?: string): string {
  if (config.publicBaseUrl) return config.publicBaseUrl
  if (WILDCARD.has(config.host) && requestOrigin) return requestOrigin.replace(/\/+$/, '')
  const host = config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host
  return `http://${host}:${config.port}`
}

export function trackedLink(baseUrl: string, code: string): string {
  return `${baseUrl}/r/${code}`
}

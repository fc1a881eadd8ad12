// Link-preview fetchers and crawlers: when a link is pasted in a chat or a social
// network, these fetch it to draw a card. They are redirected like anyone (the
// card must work) but recorded as kind `bot`, never as clicks. A request without a
// user agent is a script, not a person.
const BOT_NAMES = [
  // chat and social previews
  'slackbot',
  'slack-imgproxy',
  'facebookexternalhit',
  'facebookcatalog',
  'facebot',
  'twitterbot',
  'linkedinbot',
  'discordbot',
  'telegrambot',
  'whatsapp/',
  'skypeuripreview',
  'microsoftpreview',
  'pinterestbot',
  'redditbot',
  'vkshare',
  'snap url preview',
  'mastodon/',
  'bluesky cardyb',
  'embedly',
  'iframely',
  'quora link preview',
  'line-poker',
  'kakaotalk-scrap',
  'yahoo! slurp',
  'google-pagerenderer',
  'google-inspectiontool',
  'googleother',
  'feedfetcher-google',
  'mediapartners-google',
  'adsbot-google',
  'apis-google',
  'bingpreview',
  'applebot',
  'qwantify',
  'ia_archiver',
  'headlesschrome',
  'lighthouse',
  'phantomjs',
  'prerender',
  // generic words crawlers put in their names (Googlebot, bingbot, AhrefsBot, …)
  'crawler',
  'spider',
  'preview',
]
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const NAMED_RE = new RegExp(BOT_NAMES.map(escape).join('|'), 'i')
const GENERIC_RE = /bot\b/i
// Real phones whose model name ends in "bot".
const PHONES_RE = /\bcubot\b/gi

export function isBotUserAgent(userAgent: string | undefined): boolean {
  if (!userAgent || userAgent.trim() === '') return true
  return NAMED_RE.test(userAgent) || GENERIC_RE.test(userAgent.replace(PHONES_RE, ''))
}

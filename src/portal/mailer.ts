// The portal's sign-in emails. With SMTP_URL: nodemailer over that server.
// Without it: outside production the link is written in one info log line (the
// developer signs in from the log); in production it is never logged — the
// line says only that no email could be sent. The link appears in no other line:
// the request that opens it has its token masked (src/http/logging.ts).
import nodemailer from 'nodemailer'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'

export interface SignInMail {
  to: string
  partnerId: number
  url: string
}

export interface Mailer {
  sendSignInLink(mail: SignInMail): Promise<void>
}

export function signInText(url: string): string {
  return [
    'Bonjour,',
    '',
    'Voici votre lien de connexion à votre espace partenaire ContentFlow.',
    'Il est valable 15 minutes et ne sert qu’une fois :',
    '',
    url,
    '',
    'Si vous n’avez rien demandé, ignorez ce message.',
  ].join('\n')
}

export function createMailer(config: Pick<Config, 'env' | 'smtpUrl' | 'mailFrom'>, log: FastifyBaseLogger): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl)
    return {
      async sendSignInLink(mail) {
        await transport.sendMail({
          from: config.mailFrom,
          to: mail.to,
          subject: 'Votre lien de connexion ContentFlow',
          text: signInText(mail.url),
        })
        log.info({ partnerId: mail.partnerId }, 'portal sign-in link sent by email')
      },
    }
  }
  return {
    async sendSignInLink(mail) {
      if (config.env === 'production') {
        log.warn({ partnerId: mail.partnerId }, 'portal sign-in link not sent: SMTP_URL is not set')
        return
      }
      log.info({ partnerId: mail.partnerId, signInUrl: mail.url }, 'portal sign-in link (development: no SMTP_URL, not emailed)')
    },
  }
}

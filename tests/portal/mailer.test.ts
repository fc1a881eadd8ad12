// The sign-in email through SMTP_URL: nodemailer talks to a small SMTP server
// of the test's own (plain SMTP on 127.0.0.1), which keeps what it receives. The
// message goes to the partner with the link; the log line names the partner only.
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyBaseLogger } from 'fastify'
import { createMailer } from '../../src/portal/mailer.ts'

interface Received {
  from: string
  to: string[]
  data: string
}

/** A minimal SMTP server (RFC 5321's happy path, no TLS, no auth). */
function smtpServer(received: Received[]): Server {
  return createServer((socket) => {
    let mail: Received = { from: '', to: [], data: '' }
    let inData = false
    let buffer = ''
    socket.write('220 test ESMTP\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end < 0) return
          mail.data = buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          inData = false
          received.push(mail)
          mail = { from: '', to: [], data: '' }
          socket.write('250 queued\r\n')
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol < 0) return
        const line = buffer.slice(0, eol)
        buffer = buffer.slice(eol + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'MAIL') mail.from = line
        if (verb === 'RCPT') mail.to.push(line)
        if (verb === 'DATA') inData = true
        if (verb === 'QUIT') socket.end('221 bye\r\n')
        else socket.write(verb === 'DATA' ? '354 go on\r\n' : '250 ok\r\n')
      }
    })
  })
}

const received: Received[] = []
const server = smtpServer(received)
let port = 0

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())))

function recordingLog(lines: string[]): FastifyBaseLogger {
  const keep = (level: string) => (obj: unknown, msg?: string) => lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`)
  return { info: keep('info'), warn: keep('warn'), error: keep('error') } as unknown as FastifyBaseLogger
}

it('sends the link by SMTP to the partner, and logs the partner, not the link', async () => {
  const lines: string[] = []
  const mailer = createMailer(
    { env: 'production', smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'ContentFlow <no-reply@example.com>' },
    recordingLog(lines),
  )
  const url = `https://track.example/p/auth?token=${'T'.repeat(43)}`
  await mailer.sendSignInLink({ to: 'camille@example.com', partnerId: 7, url })
  expect(received).toHaveLength(1)
  expect(received[0]!.from).toContain('no-reply@example.com')
  expect(received[0]!.to).toEqual(['RCPT TO:<camille@example.com>'])
  // The body may be wrapped (quoted-printable): unwrap soft line breaks before looking for the link.
  const body = received[0]!.data.replace(/=\r\n/g, '').replace(/=3D/g, '=')
  expect(body).toContain(url)
  expect(body).toContain('Subject: Votre lien de connexion ContentFlow')
  expect(lines).toEqual(['info {"partnerId":7} portal sign-in link sent by email'])
})

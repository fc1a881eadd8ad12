// A TCP proxy we can cut and restore: the database "goes away" for the server
// under test without touching the real PostgreSQL other tests are using.
import net from 'node:net'

export interface CuttableProxy {
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startProxy(targetHost: string, targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  let port = 0
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port
        resolve()
      })
    })
  const cut = async () => {
    // close() calls back once every connection has ended: end the live ones now
    // (a pool that is never idle keeps its connections open forever otherwise).
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
    for (const s of sockets) s.destroy()
    await closed
  }
  await listen()
  return { port, cut, restore: listen, close: cut }
}

/**
 * One HTTP request from a chosen loopback address (127.0.0.2 is another machine, as far as the
 * server can tell), answered with its status, headers and body text. fetch cannot pick the
 * address a request leaves from; node:http can.
 *
 * @example
 *   const answer = await httpCall(`${server.url}/api/time`, { localAddress: '127.0.0.3' })
 *   answer.status   // 200
 */
import { request } from 'node:http'

export interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json(): unknown
}

export interface HttpCallOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  localAddress?: string
}

export function httpCall(target: string, options: HttpCallOptions = {}): Promise<HttpAnswer> {
  const url = new URL(target)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        // Node sends a DELETE's body unframed unless told its length.
        headers: options.body === undefined ? options.headers : { 'Content-Length': String(Buffer.byteLength(options.body)), ...options.headers },
        localAddress: options.localAddress,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
        })
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

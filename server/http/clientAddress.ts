/**
 * The address a request comes from, as every per-address limit and log line counts it. Behind a
 * reverse proxy every connection comes from the proxy; `TRUST_PROXY` says which proxies may tell
 * us the client's address in `X-Forwarded-For` (or `Forwarded: for=`). Without it those headers
 * are ignored, so a client cannot pick its own address.
 *
 * TRUST_PROXY is either a hop count ("1": the nearest proxy, whatever its address; "2": two
 * proxies in a row) or a comma-separated list of addresses and CIDR ranges ("10.0.0.0/8, ::1").
 * The chain is walked from the nearest hop outwards, past each trusted proxy; the first address
 * that is not a trusted proxy is the client.
 *
 * @example
 *   const trust = parseTrustProxy('127.0.0.1, 10.0.0.0/8')
 *   clientAddress(req, trust)   // '203.0.113.7' from "X-Forwarded-For: 203.0.113.7" sent by 10.1.2.3
 */
import { BlockList, isIP } from 'node:net'
import type { IncomingMessage } from 'node:http'

export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; list: BlockList; text: string }

export const TRUST_NO_PROXY: TrustProxy = { kind: 'none' }

/** Strips brackets, a port and the IPv4-mapped prefix, so one address is always spelt one way. */
export function normalizeAddress(raw: string): string {
  let address = raw.trim()
  if (address.startsWith('"') && address.endsWith('"')) address = address.slice(1, -1)
  if (address.startsWith('[')) address = address.slice(1, address.indexOf(']') === -1 ? undefined : address.indexOf(']'))
  else if (isIP(address) === 0 && /^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  if (address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7)
  return address
}

/** Reads TRUST_PROXY; throws with a clear message for a value it cannot use. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? ''
  if (text === '' || text === 'false' || text === '0') return TRUST_NO_PROXY
  if (/^\d+$/.test(text)) return { kind: 'hops', hops: Number(text) }
  const list = new BlockList()
  for (const part of text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    const [address, bits] = part.split('/')
    const family = isIP(normalizeAddress(address))
    if (family === 0) throw new Error(`TRUST_PROXY: "${part}" is not an address, a CIDR range or a hop count`)
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) list.addAddress(normalizeAddress(address), type)
    else {
      const prefix = Number(bits)
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) throw new Error(`TRUST_PROXY: "${part}" has a bad prefix length`)
      list.addSubnet(normalizeAddress(address), prefix, type)
    }
  }
  return { kind: 'list', list, text }
}

/** The hops a request passed, nearest last: what the proxies said, then the socket's peer. */
function forwardedChain(req: IncomingMessage): string[] {
  const chain: string[] = []
  const forwarded = req.headers.forwarded
  if (typeof forwarded === 'string' && forwarded.length > 0) {
    for (const element of forwarded.split(',')) {
      const pair = element
        .split(';')
        .map((p) => p.trim())
        .find((p) => p.toLowerCase().startsWith('for='))
      if (pair) chain.push(normalizeAddress(pair.slice(4)))
    }
  } else {
    const header = req.headers['x-forwarded-for']
    const values = Array.isArray(header) ? header.join(',') : (header ?? '')
    for (const entry of values.split(',')) if (entry.trim()) chain.push(normalizeAddress(entry))
  }
  return chain
}

function isTrusted(trust: TrustProxy, address: string): boolean {
  if (trust.kind !== 'list') return false
  const family = isIP(address)
  return family !== 0 && trust.list.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

/** The client's address for limits and logs. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? 'unknown')
  if (trust.kind === 'none') return peer
  const chain = forwardedChain(req)
  if (trust.kind === 'hops') {
    // The nearest `hops` addresses are proxies; the one before them is the client.
    const all = [...chain, peer]
    const index = all.length - 1 - trust.hops
    return index >= 0 && isIP(all[index]) !== 0 ? all[index] : (all.find((address) => isIP(address) !== 0) ?? peer)
  }
  if (!isTrusted(trust, peer)) return peer
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]
    if (isIP(hop) === 0) return peer
    if (!isTrusted(trust, hop)) return hop
  }
  return chain.length > 0 && isIP(chain[0]) !== 0 ? chain[0] : peer
}

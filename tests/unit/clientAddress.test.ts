/**
 * Which address a request counts as (server/http/clientAddress.ts): headers only from trusted
 * proxies, by hop count or by address list, X-Forwarded-For and Forwarded, IPv4 and IPv6.
 */
import { describe, expect, test } from 'vitest'
import type { IncomingMessage } from 'node:http'
import { clientAddress, normalizeAddress, parseTrustProxy } from '../../server/http/clientAddress'

const request = (peer: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage

describe('clientAddress', () => {
  test('without TRUST_PROXY the socket’s peer counts, whatever the headers say', () => {
    const trust = parseTrustProxy(undefined)
    expect(clientAddress(request('203.0.113.9', { 'x-forwarded-for': '10.0.0.1' }), trust)).toBe('203.0.113.9')
    expect(clientAddress(request('::ffff:203.0.113.9', { forwarded: 'for=10.0.0.1' }), trust)).toBe('203.0.113.9')
  })

  test('a hop count trusts that many nearest hops', () => {
    expect(clientAddress(request('10.0.0.2', { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' }), parseTrustProxy('1'))).toBe('203.0.113.7')
    expect(clientAddress(request('10.0.0.2', { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' }), parseTrustProxy('2'))).toBe('198.51.100.1')
    expect(clientAddress(request('10.0.0.2'), parseTrustProxy('1'))).toBe('10.0.0.2')
  })

  test('a list trusts only its proxies: a spoofed entry before them is skipped, a direct client is its own address', () => {
    const trust = parseTrustProxy('10.0.0.0/8, ::1')
    // The client put 1.2.3.4 in the header itself; the proxy appended the real address.
    expect(clientAddress(request('10.0.0.2', { 'x-forwarded-for': '1.2.3.4, 203.0.113.7' }), trust)).toBe('203.0.113.7')
    expect(clientAddress(request('10.0.0.2', { 'x-forwarded-for': '203.0.113.7, 10.0.0.9' }), trust)).toBe('203.0.113.7')
    expect(clientAddress(request('198.51.100.5', { 'x-forwarded-for': '10.0.0.1' }), trust)).toBe('198.51.100.5')
    expect(clientAddress(request('::1', { forwarded: 'for="[2001:db8::7]:4711";proto=https' }), trust)).toBe('2001:db8::7')
    expect(clientAddress(request('10.0.0.2', { 'x-forwarded-for': 'garbage' }), trust)).toBe('10.0.0.2')
  })

  test('addresses are spelt one way; bad TRUST_PROXY values are refused with a clear message', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(normalizeAddress('[::1]:80')).toBe('::1')
    expect(normalizeAddress('192.0.2.1:8080')).toBe('192.0.2.1')
    expect(() => parseTrustProxy('proxy.example')).toThrow(/TRUST_PROXY/)
    expect(() => parseTrustProxy('10.0.0.0/40')).toThrow(/prefix/)
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' })
  })
})

/**
 * Link tokens carry the version of their role's link and, when the link expires, when
 * (server/auth/tokens.ts): what is signed is what verify() gives back, a token of a link never
 * rotated is version 0, and a token whose version claim is not a whole number ≥ 0 is refused as
 * invalid even when its signature is good (a forged field cannot pass as some version).
 */
import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { describe, expect, test } from 'vitest'
import { TokenAuthority } from '../../server/auth/tokens'

const BOARD = 'AAAAAAAAAAAAAAAAAAAAAA'
const secret = randomBytes(32)
const tokens = new TokenAuthority(secret)

describe('link versions in tokens', () => {
  test('a token of a link never rotated is version 0 and carries no version claim', async () => {
    const token = await tokens.sign({ boardId: BOARD, role: 'member' })
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).not.toHaveProperty('lv')
    expect(await tokens.verify(token, BOARD)).toEqual({ ok: true, grant: { boardId: BOARD, role: 'member', linkVersion: 0 } })
  })

  test('version, person and expiry come back as signed', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600
    const token = await tokens.sign({ boardId: BOARD, role: 'observer', personId: 'p'.repeat(22), linkVersion: 3, expiresAt })
    expect(await tokens.verify(token, BOARD)).toEqual({
      ok: true,
      grant: { boardId: BOARD, role: 'observer', personId: 'p'.repeat(22), linkVersion: 3, expiresAt },
    })
  })

  test('a past expiry is refused as expired', async () => {
    const token = await tokens.sign({ boardId: BOARD, role: 'member', linkVersion: 2, expiresAt: Math.floor(Date.now() / 1000) - 10 })
    expect(await tokens.verify(token, BOARD)).toEqual({ ok: false, reason: 'expired-token' })
  })

  test.each([
    ['-1', -1],
    ['1.5', 1.5],
    ['a string', '2'],
    ['null', null],
  ])('a well-signed token with version %s is invalid', async (_label, lv) => {
    const token = await new SignJWT({ role: 'member', lv }).setProtectedHeader({ alg: 'HS256' }).setSubject(BOARD).setIssuer('think-together').sign(secret)
    expect(await tokens.verify(token, BOARD)).toEqual({ ok: false, reason: 'invalid-token' })
  })
})

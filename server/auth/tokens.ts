/**
 * Board access tokens: HS256 JWTs signed with a server secret, naming one board and one role, and
 * the version of that role's link they belong to (`lv`, absent for a link never rotated) and,
 * when the link expires, when (`exp`). A personal token carries the version and expiry of the link
 * it was minted through. The secret comes from TOKEN_SECRET, or is generated once into
 * DATA_DIR/token-secret (mode 0600) so links keep working across restarts. Every websocket
 * connection and API call verifies one; whether its version is still the link's current one is
 * the policy's check (server/policy/boardPolicy.ts), against storage.
 * Asset-access tokens are short-lived ones for one purpose only (reading a board's files, as a
 * cookie; see http/assetAccess.ts): they carry an audience that `verify` refuses, so one can
 * never stand in for a board link.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { isBoardRole, type BoardRole } from '../../shared/board/roles'
import { isValidBoardId } from '../../shared/board/boardId'

const ISSUER = 'think-together'
const ALGORITHM = 'HS256'
const ASSET_AUDIENCE = 'board-assets'

export interface BoardGrant {
  boardId: string
  role: BoardRole
  /**
   * Set on personal tokens only: the server-issued id of one person on this board, which opens
   * that person's private documents (drafts). Board links carry a role, not a person.
   */
  personId?: string
  /** The version of the role's link this token belongs to; 0 (or absent when signing) for a link never rotated. */
  linkVersion?: number
  /** When the token stops working, in seconds since the epoch; none for a link that does not expire. */
  expiresAt?: number
}

/** A verified grant: its link version is always known. */
export type VerifiedGrant = BoardGrant & { linkVersion: number }

/** Person ids are 128 random bits, base64url, issued by the server. */
export const PERSON_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

export type TokenRefusal = 'missing-token' | 'invalid-token' | 'expired-token' | 'wrong-board'

export type TokenCheck = { ok: true; grant: VerifiedGrant } | { ok: false; reason: TokenRefusal }

export class TokenAuthority {
  constructor(private readonly secret: Uint8Array) {}

  /** Reads TOKEN_SECRET when given, else the secret file in the data directory, creating it once. */
  static fromDataDir(dataDir: string, secretFromEnv?: string): TokenAuthority {
    if (secretFromEnv) {
      if (secretFromEnv.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters long')
      return new TokenAuthority(new TextEncoder().encode(secretFromEnv))
    }
    const file = join(dataDir, 'token-secret')
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' })
    }
    return new TokenAuthority(new TextEncoder().encode(readFileSync(file, 'utf8').trim()))
  }

  /** Signs a token. It does not expire unless the grant's `expiresAt` or `expiresInSeconds` says when. */
  async sign(grant: BoardGrant, expiresInSeconds?: number): Promise<string> {
    const claims: Record<string, unknown> = { role: grant.role }
    if (grant.personId) claims.pid = grant.personId
    if (grant.linkVersion) claims.lv = grant.linkVersion
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM }).setSubject(grant.boardId).setIssuer(ISSUER).setIssuedAt()
    const expiresAt = grant.expiresAt ?? (expiresInSeconds === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresInSeconds)
    if (expiresAt !== undefined) jwt.setExpirationTime(expiresAt)
    return jwt.sign(this.secret)
  }

  /** A token that only reads `grant`'s board's files, for `seconds`, while its link is current; it names no person. */
  async signAssetAccess(grant: BoardGrant, seconds: number): Promise<string> {
    // The link's version goes along, so replacing the link ends the cookie's reading too.
    return new SignJWT(grant.linkVersion ? { role: grant.role, lv: grant.linkVersion } : { role: grant.role })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(grant.boardId)
      .setIssuer(ISSUER)
      .setAudience(ASSET_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
      .sign(this.secret)
  }

  /** Verifies a board link or personal token for the board it is presented for. Never throws. */
  verify(token: string | null | undefined, boardId: string): Promise<TokenCheck> {
    return this.check(token, boardId, null)
  }

  /** Verifies an asset-access token (signAssetAccess) for the board it is presented for. Never throws. */
  verifyAssetAccess(token: string | null | undefined, boardId: string): Promise<TokenCheck> {
    return this.check(token, boardId, ASSET_AUDIENCE)
  }

  private async check(token: string | null | undefined, boardId: string, audience: string | null): Promise<TokenCheck> {
    if (!token) return { ok: false, reason: 'missing-token' }
    if (token.length > 4096) return { ok: false, reason: 'invalid-token' }
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: [ALGORITHM], issuer: ISSUER, ...(audience ? { audience } : {}) })
      if (audience === null && payload.aud !== undefined) return { ok: false, reason: 'invalid-token' }
      if (audience !== null && (payload.exp === undefined || payload.pid !== undefined)) return { ok: false, reason: 'invalid-token' }
      if (!isValidBoardId(payload.sub) || !isBoardRole(payload.role)) return { ok: false, reason: 'invalid-token' }
      if (payload.sub !== boardId) return { ok: false, reason: 'wrong-board' }
      if (payload.pid !== undefined && (typeof payload.pid !== 'string' || !PERSON_ID_PATTERN.test(payload.pid))) {
        return { ok: false, reason: 'invalid-token' }
      }
      const linkVersion = payload.lv === undefined ? 0 : payload.lv
      if (typeof linkVersion !== 'number' || !Number.isSafeInteger(linkVersion) || linkVersion < 0) return { ok: false, reason: 'invalid-token' }
      const grant: VerifiedGrant = { boardId: payload.sub, role: payload.role, linkVersion }
      if (typeof payload.pid === 'string') grant.personId = payload.pid
      if (typeof payload.exp === 'number') grant.expiresAt = payload.exp
      return { ok: true, grant }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired-token' }
      return { ok: false, reason: 'invalid-token' }
    }
  }
}

/**
 * Board access tokens: HS256 JWTs signed with a server secret, naming one board and one role.
 * The secret comes from TOKEN_SECRET, or is generated once into DATA_DIR/token-secret (mode 0600)
 * so links keep working across restarts. Every websocket connection and API call verifies one.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { isBoardRole, type BoardRole } from '../../shared/board/roles'
import { isValidBoardId } from '../../shared/board/boardId'

const ISSUER = 'think-together'
const ALGORITHM = 'HS256'

export interface BoardGrant {
  boardId: string
  role: BoardRole
  /**
   * Set on personal tokens only: the server-issued id of one person on this board, which opens
   * that person's private documents (drafts). Board links carry a role, not a person.
   */
  personId?: string
}

/** Person ids are 128 random bits, base64url, issued by the server. */
export const PERSON_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

export type TokenRefusal = 'missing-token' | 'invalid-token' | 'expired-token' | 'wrong-board'

export type TokenCheck = { ok: true; grant: BoardGrant } | { ok: false; reason: TokenRefusal }

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

  /** Signs a link token. Links do not expire unless `expiresInSeconds` is given. */
  async sign(grant: BoardGrant, expiresInSeconds?: number): Promise<string> {
    const jwt = new SignJWT(grant.personId ? { role: grant.role, pid: grant.personId } : { role: grant.role })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(grant.boardId)
      .setIssuer(ISSUER)
      .setIssuedAt()
    if (expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    return jwt.sign(this.secret)
  }

  /** Verifies a token for the board it is presented for. Never throws. */
  async verify(token: string | null | undefined, boardId: string): Promise<TokenCheck> {
    if (!token) return { ok: false, reason: 'missing-token' }
    if (token.length > 4096) return { ok: false, reason: 'invalid-token' }
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: [ALGORITHM], issuer: ISSUER })
      if (!isValidBoardId(payload.sub) || !isBoardRole(payload.role)) return { ok: false, reason: 'invalid-token' }
      if (payload.sub !== boardId) return { ok: false, reason: 'wrong-board' }
      if (payload.pid !== undefined && (typeof payload.pid !== 'string' || !PERSON_ID_PATTERN.test(payload.pid))) {
        return { ok: false, reason: 'invalid-token' }
      }
      const grant: BoardGrant = { boardId: payload.sub, role: payload.role }
      if (typeof payload.pid === 'string') grant.personId = payload.pid
      return { ok: true, grant }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired-token' }
      return { ok: false, reason: 'invalid-token' }
    }
  }
}

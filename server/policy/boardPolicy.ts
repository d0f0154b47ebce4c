/**
 * The one place the server's rules are applied. As the relay's hooks it admits each websocket
 * connection (board name, token, whose drafts), gives it a session that says what it may write
 * at every moment (boardRules.ts, by role, document, phase and lock) and stamps its presence
 * with the identity and role the server knows; for the HTTP routes it checks the caller's token
 * and decides each action with the same rules, against the same live board state.
 *
 * Links that can be withdrawn: every admission and every route checks, in `currentAccess`, that
 * the token's link version is its role's current one in storage and that the board is there (no
 * cache, so a rotation or deletion committed by any instance counts at once everywhere). Rotating
 * a link or deleting a board here, or hearing of it from another instance (`linkRotated`,
 * `boardDeleted`), closes the connections it ends; a connection admitted while a rotation raced
 * it is closed the moment it opens, since the versions this instance knows only grow.
 *
 * @example
 *   const policy = new BoardPolicy({ tokens, storage, log })
 *   const relay = new Relay(storage, context, log, policy)
 *   policy.attach(relay)
 *   // in a route:
 *   const caller = await policy.caller(req, url, boardId)
 *   const gate = await policy.gate(boardId)
 *   try { const decision = gate.decide(caller, 'post-anonymous-card') } finally { gate.release() }
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Logger } from 'pino'
import { canOpenDoc, controlDocName, parseDocName, type BoardDocKind } from '../../shared/board/docNames'
import { BOARD_MAP, BOARD_TITLE_KEY } from '../../shared/board/docLayout'
import { CloseCode } from '../../shared/protocol/messages'
import { BOARD_ROLES, type BoardRole } from '../../shared/board/roles'
import type { TokenAuthority, VerifiedGrant } from '../auth/tokens'
import { migrateBoardLayout } from '../boards/layoutMigration'
import { PeopleDirectory } from '../people/peopleDirectory'
import type { BoardDocument } from '../relay/boardDocument'
import type { AuthenticateRequest, Authentication, ConnectionSession, DocumentHost, RelayHooks } from '../relay/hooks'
import type { Relay } from '../relay/relay'
import { DamagedDocumentError, type Storage, type StoredPerson } from '../storage/storage'
import { OPEN_BOARD, boardAction, documentWrite, type ActionDecision, type BoardAction, type WriteDecision } from '../../shared/board/boardRules'
import { BoardStates, type BoardStateWatch } from './boardStates'
import { requestToken } from '../http/respond'
import { BOARD_DELETED_MESSAGE, LINK_REPLACED_MESSAGE } from '../../shared/api/links'

/** Deleted boards remembered, so that a request racing the deletion is refused without asking storage. */
const MAX_REMEMBERED_DELETIONS = 10_000

/** Shown for a person who has not named themselves yet, and for a connection without a personal token. */
export const UNNAMED_NAME = 'Someone new'
export const GUEST_NAME = 'Guest'

export interface BoardPolicyOptions {
  tokens: TokenAuthority
  storage: Storage
  log: Logger
}

/** Who is calling an HTTP route: the grant their token carries and, with a personal token, the person. */
export interface Caller {
  boardId: string
  grant: VerifiedGrant
  person: StoredPerson | null
}

export type CallerCheck = { ok: true; caller: Caller } | { ok: false; status: 401 | 404; message: string }

/** A board's live state held for the length of one request; decisions read it at the moment they are made. */
export interface BoardGate {
  decide(caller: Caller, action: BoardAction): ActionDecision
  release(): void
}

/** The identity the server vouches for in presence. */
interface PresenceIdentity {
  id: string
  name: string
  color: string
  practice: string
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function sameIdentity(claimed: unknown, identity: PresenceIdentity | null): boolean {
  if (identity === null) return claimed === null
  return (
    isPlainObject(claimed) &&
    claimed.id === identity.id &&
    claimed.name === identity.name &&
    claimed.color === identity.color &&
    claimed.practice === identity.practice
  )
}

/** One connection's rights: its document's rule against the board's live state, and its stamp. */
class BoardSession implements ConnectionSession {
  /** Stands in for the person in presence when the connection has only a board link. */
  private readonly guestId = `guest:${randomBytes(6).toString('base64url')}`

  constructor(
    readonly boardId: string,
    readonly docKind: BoardDocKind,
    readonly role: BoardRole,
    readonly personId: string | undefined,
    /** The version of the link the connection's token belongs to. */
    readonly linkVersion: number,
    private readonly watch: BoardStateWatch | null,
    private readonly currentPerson: () => StoredPerson | null,
  ) {}

  write(): WriteDecision {
    return documentWrite(this.role, this.docKind, this.watch?.current ?? OPEN_BOARD)
  }

  onWriteChange(listener: () => void): () => void {
    return this.watch ? this.watch.onChange(listener) : () => {}
  }

  stampPresence(state: Record<string, unknown>): Record<string, unknown> {
    const person = this.currentPerson()
    const identity: PresenceIdentity | null = person
      ? { id: person.personId, name: person.name ?? UNNAMED_NAME, color: person.color, practice: person.practice }
      : null
    let changed = state.role !== this.role || !sameIdentity(state.person, identity)
    let presence = state.presence
    if (isPlainObject(presence)) {
      const userId = identity?.id ?? this.guestId
      const userName = identity?.name ?? GUEST_NAME
      const color = identity?.color ?? presence.color
      if (presence.userId !== userId || presence.userName !== userName || presence.color !== color) {
        presence = { ...presence, userId, userName, color }
        changed = true
      }
    }
    return changed ? { ...state, role: this.role, person: identity, presence } : state
  }

  dispose(): void {
    this.watch?.release()
  }
}

export class BoardPolicy implements RelayHooks {
  private relay: Relay | null = null
  private states: BoardStates | null = null
  private directory: PeopleDirectory | null = null
  /** Told when a document's updates are committed (late drafts are revealed from there). */
  onStoredListeners: Array<(docName: string) => void> = []
  /** Told when someone joins or leaves a board's canvas (vote counts). */
  onPresenceChange: Array<(boardId: string) => void> = []
  /** Told when a link was rotated or a board deleted here (to tell the other instances). */
  onLinkRotated: Array<(boardId: string, role: BoardRole, version: number) => void> = []
  onBoardDeleted: Array<(boardId: string) => void> = []
  /** The highest version this instance knows of each board link (`<boardId> <role>`); only grows. */
  private readonly knownVersions = new Map<string, number>()
  private readonly deletedBoards = new Set<string>()

  constructor(private readonly options: BoardPolicyOptions) {}

  /** Gives the policy the relay whose documents it reads; call once, right after making the relay. */
  attach(relay: Relay): void {
    this.relay = relay
    this.states = new BoardStates(relay.documents)
    this.directory = new PeopleDirectory(this.options.storage, relay, this.options.log.child({ component: 'people' }))
  }

  get people(): PeopleDirectory {
    if (!this.directory) throw new Error('BoardPolicy.attach(relay) was not called')
    return this.directory
  }

  private get boardStates(): BoardStates {
    if (!this.states) throw new Error('BoardPolicy.attach(relay) was not called')
    return this.states
  }

  async onAuthenticate(request: AuthenticateRequest, _documents: DocumentHost): Promise<Authentication> {
    const parsed = parseDocName(request.docName)
    if (!parsed) return { ok: false, code: CloseCode.badDocumentName, reason: 'invalid board name' }
    const { boardId, kind } = parsed
    const check = await this.options.tokens.verify(request.token, boardId)
    if (!check.ok) return { ok: false, code: CloseCode.unauthorized, reason: check.reason }
    const { role, personId, linkVersion } = check.grant
    if (!canOpenDoc(parsed, role, personId)) return { ok: false, code: CloseCode.unauthorized, reason: 'not-your-document' }
    let person: StoredPerson | null = null
    let watch: BoardStateWatch | null = null
    try {
      const access = await this.currentAccess(check.grant)
      if (access === 'no-board') return { ok: false, code: CloseCode.boardNotFound, reason: 'no such board' }
      if (access === 'replaced') return { ok: false, code: CloseCode.linkReplaced, reason: LINK_REPLACED_MESSAGE }
      if (personId) person = await this.people.personFor(boardId, personId, role)
      // Only members' rights move with the lock and the phase.
      if (role === 'member' && (kind === 'canvas' || kind === 'conversation')) watch = await this.boardStates.watch(boardId)
    } catch (error) {
      watch?.release()
      if (error instanceof DamagedDocumentError) {
        this.options.log.error({ err: error, boardId, docName: error.docName, problem: error.problem }, 'stored document is damaged; refusing the connection')
        return { ok: false, code: CloseCode.documentDamaged, reason: "this board's stored data is damaged; ask the operator to restore it from a backup" }
      }
      this.options.log.error({ err: error, boardId }, 'the board could not be read')
      return { ok: false, code: CloseCode.storageUnavailable, reason: 'the board could not be loaded; try again' }
    }
    const known = person
    const currentPerson = known ? () => this.people.cached(boardId, known.personId) ?? known : () => null
    return { ok: true, session: new BoardSession(boardId, kind, role, personId, linkVersion, watch, currentPerson) }
  }

  async onLoadDocument(document: BoardDocument, documents: DocumentHost): Promise<void> {
    const parsed = parseDocName(document.name)
    if (parsed?.kind === 'canvas') await migrateBoardLayout(document, parsed.boardId, documents, this.options.log)
  }

  onStored(docName: string): void {
    for (const listener of this.onStoredListeners) listener(docName)
  }

  onConnectionChange(session: ConnectionSession, change: 'opened' | 'closed'): void {
    // Admitted while a rotation or deletion raced it: it ends now, as those before it did.
    if (change === 'opened' && session instanceof BoardSession && this.hasEnded(session)) {
      this.closeEnded(session.boardId)
      return
    }
    if (session.docKind !== 'canvas' || !session.personId || session.role === 'observer') return
    if (change === 'opened') {
      void this.people
        .seen(session.boardId, session.personId)
        .catch((error: unknown) => this.options.log.warn({ err: error, boardId: session.boardId }, 'could not note that a person is here'))
    }
    for (const listener of this.onPresenceChange) listener(session.boardId)
  }

  /** The people with a member or facilitator personal token on a board's canvas right now. */
  presentPeople(boardId: string): Set<string> {
    const present = new Set<string>()
    for (const connection of this.relay?.connectionsOf(boardId) ?? []) {
      const session = connection.currentSession
      if (session?.docKind === 'canvas' && session.personId && session.role !== 'observer') present.add(session.personId)
    }
    return present
  }

  /** Checks the token an HTTP request carries for a board, and who it names. */
  async caller(req: IncomingMessage, url: URL, boardId: string): Promise<CallerCheck> {
    const check = await this.options.tokens.verify(requestToken(req, url), boardId)
    if (!check.ok) return { ok: false, status: 401, message: 'This board link is not valid.' }
    const access = await this.currentAccess(check.grant)
    if (access === 'no-board') return { ok: false, status: 404, message: 'No such board.' }
    if (access === 'replaced') return { ok: false, status: 401, message: LINK_REPLACED_MESSAGE }
    const person = check.grant.personId ? await this.people.personFor(boardId, check.grant.personId, check.grant.role) : null
    return { ok: true, caller: { boardId, grant: check.grant, person } }
  }

  /**
   * Whether an asset-access grant (the files cookie) still reads its board: the board is there and
   * the link it was issued through has not been replaced since.
   */
  async assetReader(grant: VerifiedGrant): Promise<{ ok: true } | { ok: false; status: 401 | 404; message: string }> {
    const access = await this.currentAccess(grant)
    if (access === 'no-board') return { ok: false, status: 404, message: 'No such board.' }
    if (access === 'replaced') return { ok: false, status: 401, message: LINK_REPLACED_MESSAGE }
    return { ok: true }
  }

  /** Holds a board's live state for a request; decide() as late as possible, release() at the end. */
  async gate(boardId: string): Promise<BoardGate> {
    const watch = await this.boardStates.watch(boardId)
    return {
      decide: (caller, action) => boardAction(caller.grant.role, action, watch.current),
      release: () => watch.release(),
    }
  }

  /**
   * Whether a verified grant still opens its board: the board is there and the grant's link
   * version is its role's current one, as storage says now.
   */
  private async currentAccess(grant: VerifiedGrant): Promise<'ok' | 'replaced' | 'no-board'> {
    if (this.deletedBoards.has(grant.boardId)) return 'no-board'
    const [board, versions] = await Promise.all([this.options.storage.getBoard(grant.boardId), this.options.storage.getLinkVersions(grant.boardId)])
    if (!board || this.deletedBoards.has(grant.boardId)) return 'no-board'
    this.noteVersion(grant.boardId, grant.role, versions[grant.role].version)
    return grant.linkVersion === versions[grant.role].version && grant.linkVersion >= this.knownVersion(grant.boardId, grant.role) ? 'ok' : 'replaced'
  }

  private knownVersion(boardId: string, role: BoardRole): number {
    return this.knownVersions.get(`${boardId} ${role}`) ?? 0
  }

  private noteVersion(boardId: string, role: BoardRole, version: number): void {
    if (version > this.knownVersion(boardId, role)) this.knownVersions.set(`${boardId} ${role}`, version)
  }

  /**
   * Gives a role's link its next version and signs the new link's token (expiring after
   * `expiresInDays` when given); every token of the old version, personal tokens minted through
   * it included, stops working, and the connections opened with them are closed.
   */
  async rotateLink(boardId: string, role: BoardRole, expiresInDays: number | null): Promise<string> {
    const expiresAt = expiresInDays === null ? null : Math.floor(Date.now() / 1000) + expiresInDays * 24 * 60 * 60
    const version = await this.options.storage.rotateLink(boardId, role, expiresAt)
    this.linkRotated(boardId, role, version)
    for (const listener of this.onLinkRotated) listener(boardId, role, version)
    return this.options.tokens.sign({ boardId, role, linkVersion: version, expiresAt: expiresAt ?? undefined })
  }

  /** Each role's current link token, signed again from what storage says (its version and expiry), for a facilitator to share. */
  async currentLinkTokens(boardId: string): Promise<Record<BoardRole, { token: string; expiresAt: number | null }>> {
    const versions = await this.options.storage.getLinkVersions(boardId)
    const entries = await Promise.all(
      BOARD_ROLES.map(async (role) => {
        const { version, expiresAt } = versions[role]
        return [role, { token: await this.options.tokens.sign({ boardId, role, linkVersion: version, expiresAt: expiresAt ?? undefined }), expiresAt }] as const
      }),
    )
    return Object.fromEntries(entries) as Record<BoardRole, { token: string; expiresAt: number | null }>
  }

  /** A link was rotated (here or on another instance): close what its old versions opened. */
  linkRotated(boardId: string, role: BoardRole, version: number): void {
    this.noteVersion(boardId, role, version)
    const closed = this.closeEnded(boardId)
    this.options.log.info({ boardId, role, version, closed }, 'board link replaced')
  }

  /**
   * Deletes a board: from now on its links answer 404 here, its connections are closed, its
   * loaded documents stored and unloaded, and then every row of it removed from storage.
   */
  async deleteBoard(boardId: string): Promise<void> {
    await this.boardDeleted(boardId)
    for (const listener of this.onBoardDeleted) listener(boardId)
  }

  /**
   * A board was deleted (here or on another instance): refuse it, close and unload it here, and
   * remove its rows (again, for another instance's deletion: whatever this one stored before it
   * heard of it goes too).
   */
  async boardDeleted(boardId: string): Promise<void> {
    this.deletedBoards.add(boardId)
    if (this.deletedBoards.size > MAX_REMEMBERED_DELETIONS) this.deletedBoards.delete(this.deletedBoards.values().next().value as string)
    if (this.relay) await this.relay.evictBoard(boardId, CloseCode.boardDeleted, BOARD_DELETED_MESSAGE)
    await this.options.storage.deleteBoard(boardId)
    this.options.log.info({ boardId }, 'board deleted')
  }

  private hasEnded(session: BoardSession): boolean {
    return this.deletedBoards.has(session.boardId) || session.linkVersion < this.knownVersion(session.boardId, session.role)
  }

  /** The board's title as its control document holds it now; '' when it cannot be read (a damaged board can still be deleted by its first title). */
  async liveTitle(boardId: string): Promise<string> {
    if (!this.relay) return ''
    const held = await this.relay.documents.hold(controlDocName(boardId)).catch((error: unknown) => {
      this.options.log.warn({ err: error, boardId }, 'the board’s current title could not be read')
      return null
    })
    if (!held) return ''
    try {
      const title = held.document.doc.getMap(BOARD_MAP).get(BOARD_TITLE_KEY)
      return title === undefined || title === null ? '' : String(title)
    } finally {
      held.release()
    }
  }

  /** Closes a board's connections whose board was deleted or whose link was replaced; returns how many. */
  private closeEnded(boardId: string): number {
    let closed = 0
    for (const connection of this.relay?.connectionsOf(boardId) ?? []) {
      const session = connection.currentSession
      if (!(session instanceof BoardSession)) continue
      if (!this.hasEnded(session)) continue
      if (this.deletedBoards.has(boardId)) connection.close(CloseCode.boardDeleted, BOARD_DELETED_MESSAGE)
      else connection.close(CloseCode.linkReplaced, LINK_REPLACED_MESSAGE)
      closed++
    }
    return closed
  }
}

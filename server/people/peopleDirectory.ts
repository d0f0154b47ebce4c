/**
 * The people the server knows on each board, by the personal tokens it issued them: their name,
 * colour and practice line as they gave them through the server (never as a client claims in a
 * document or in presence). Issuing, renaming and "last here" go through here; each writes the
 * person's entry in the board's people document, which only the server writes.
 *
 * @example
 *   const person = await people.issue(boardId, 'member')
 *   await people.rename(boardId, person.personId, { name: 'Ada', color: '#FF802B', practice: 'ward nurse' })
 *   people.cached(boardId, person.personId)?.name   // 'Ada'
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { upsertMember } from '../../shared/board/boardModel'
import { peopleDocName } from '../../shared/board/docNames'
import { leastUsedColor } from '../../shared/board/personColors'
import type { BoardRole } from '../../shared/board/roles'
import type { Relay } from '../relay/relay'
import type { PeopleStore, StoredPerson } from '../storage/storage'

/** How often "last here" is written for someone who stays connected or comes back. */
const SEEN_INTERVAL_MS = 60_000
/** People kept in memory; the oldest are forgotten first (they are read again from storage). */
const MAX_CACHED = 20_000

export interface PersonFields {
  name: string
  color: string
  practice: string
}

export class PeopleDirectory {
  private readonly people = new Map<string, StoredPerson>()
  private readonly lastSeenWritten = new Map<string, number>()
  /** Told when someone renamed themselves here (other instances reload them). */
  readonly onChanged: Array<(boardId: string, personId: string) => void> = []

  constructor(
    private readonly store: PeopleStore,
    private readonly relay: Relay,
    private readonly log: Logger,
  ) {}

  /** The tail of each board's queue of colour assignments (issue, and first use of an old token). */
  private readonly assigning = new Map<string, Promise<unknown>>()

  /**
   * Runs `assign` after every assignment on the board before it: two people joining at once would
   * otherwise both read the same list of colours taken and get the same colour. (Within one server;
   * several servers on one database can still race, as before.)
   */
  private inTurn<T>(boardId: string, assign: () => Promise<T>): Promise<T> {
    const previous = this.assigning.get(boardId) ?? Promise.resolve()
    const next = previous.then(assign, assign)
    const tail = next.catch(() => {})
    this.assigning.set(boardId, tail)
    void tail.then(() => {
      if (this.assigning.get(boardId) === tail) this.assigning.delete(boardId)
    })
    return next
  }

  /** A new person on a board, with the colour fewest others there have. */
  issue(boardId: string, role: BoardRole): Promise<StoredPerson> {
    return this.inTurn(boardId, () => this.issueNow(boardId, role))
  }

  private async issueNow(boardId: string, role: BoardRole): Promise<StoredPerson> {
    const taken = (await this.store.listPeople(boardId)).map((person) => person.color)
    const now = Date.now()
    const person: StoredPerson = {
      boardId,
      personId: randomBytes(16).toString('base64url'),
      role,
      name: null,
      color: leastUsedColor(taken),
      practice: '',
      createdAt: now,
      lastSeenAt: now,
    }
    await this.store.createPerson(person)
    this.remember(person)
    return person
  }

  /**
   * The person a personal token names. A token issued before the server kept people (its person
   * is unknown) gets a record now, unnamed, so it keeps working.
   */
  async personFor(boardId: string, personId: string, role: BoardRole): Promise<StoredPerson> {
    const cached = this.people.get(key(boardId, personId))
    if (cached) return cached
    const stored = await this.store.getPerson(boardId, personId)
    if (stored) {
      this.remember(stored)
      return stored
    }
    return this.inTurn(boardId, () => this.createFor(boardId, personId, role))
  }

  private async createFor(boardId: string, personId: string, role: BoardRole): Promise<StoredPerson> {
    const existing = await this.store.getPerson(boardId, personId)
    if (existing) {
      this.remember(existing)
      return existing
    }
    const taken = (await this.store.listPeople(boardId)).map((person) => person.color)
    const now = Date.now()
    const person: StoredPerson = { boardId, personId, role, name: null, color: leastUsedColor(taken), practice: '', createdAt: now, lastSeenAt: now }
    await this.store.createPerson(person).catch(async (error: unknown) => {
      // Two connections of the same new token raced: the other one created it.
      if (!(await this.store.getPerson(boardId, personId))) throw error
    })
    const created = (await this.store.getPerson(boardId, personId)) ?? person
    this.remember(created)
    return created
  }

  /** The person as last read, if in memory (presence stamps read this on every message). */
  cached(boardId: string, personId: string): StoredPerson | null {
    return this.people.get(key(boardId, personId)) ?? null
  }

  /** Changes a person's name, colour and practice line, and their entry in the people document. */
  async rename(boardId: string, personId: string, fields: PersonFields): Promise<StoredPerson | null> {
    const updated = await this.store.updatePerson(boardId, personId, { ...fields, lastSeenAt: Date.now() })
    if (!updated) return null
    this.remember(updated)
    await this.writeMemberEntry(updated)
    this.lastSeenWritten.set(key(boardId, personId), Date.now())
    for (const listener of this.onChanged) listener(boardId, personId)
    return updated
  }

  /** Reads a person again from storage (another instance changed them). */
  async reload(boardId: string, personId: string): Promise<void> {
    if (!this.people.has(key(boardId, personId))) return
    const stored = await this.store.getPerson(boardId, personId)
    if (stored) this.remember(stored)
  }

  /** The person is on the board now: "last here" is refreshed (at most once a minute). */
  async seen(boardId: string, personId: string): Promise<void> {
    const id = key(boardId, personId)
    const now = Date.now()
    if (now - (this.lastSeenWritten.get(id) ?? 0) < SEEN_INTERVAL_MS) return
    this.lastSeenWritten.set(id, now)
    if (this.lastSeenWritten.size > MAX_CACHED) this.lastSeenWritten.delete(this.lastSeenWritten.keys().next().value!)
    const updated = await this.store.updatePerson(boardId, personId, { lastSeenAt: now })
    if (!updated) return
    this.remember(updated)
    await this.writeMemberEntry(updated)
  }

  /** Members are people who named themselves through a member or facilitator link. */
  private async writeMemberEntry(person: StoredPerson): Promise<void> {
    if (person.name === null || person.role === 'observer') return
    const name = person.name
    await this.relay.changeDocument(peopleDocName(person.boardId), (document) => {
      document.doc.transact(() => {
        upsertMember(document.doc, { id: person.personId, name, color: person.color, practice: person.practice }, person.lastSeenAt)
      }, 'server')
    })
    this.log.debug({ boardId: person.boardId }, 'member entry written')
  }

  private remember(person: StoredPerson): void {
    const id = key(person.boardId, person.personId)
    this.people.delete(id)
    this.people.set(id, person)
    if (this.people.size > MAX_CACHED) this.people.delete(this.people.keys().next().value!)
  }
}

function key(boardId: string, personId: string): string {
  return `${boardId}\u0000${personId}`
}

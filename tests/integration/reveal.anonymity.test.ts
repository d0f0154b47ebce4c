/**
 * Anonymity at reveal, attacked: six people write named and anonymous drafts; the facilitator
 * reveals; a separate member, on a raw websocket, records every frame the server sends it and
 * tries to tell who wrote each anonymous card from what it received — which frame the card came
 * in and which named cards came with it, the Yjs clocks of its items, where it sits, its
 * createdAt, and its place in the z-order (fractional index). Over several reveals each
 * strategy's hit rate must stay near chance (one in the number of authors), and the structure
 * that would give authors away must be absent: no update carries both anonymous and named cards,
 * every anonymous card is dated at the reveal, the anonymous block is not in authors' order, and
 * nothing revealed lands on anything already on the page.
 *
 * Replay a run with REVEAL_ANONYMITY_SEED=<seed printed by the test> (the seed drives the test's
 * drafting pace and the adversary's coin for ties, never the server's shuffle).
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { createDraft, listDrafts, openThinkAloneRound, readThinkAloneRound } from '../../shared/board/drafts'
import { readCard } from '../../shared/board/boardModel'
import { CARDS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { CONTRIBUTION_DEFAULT_SIZE } from '../../shared/board/contributionShape'
import { draftPlacement, personSlot } from '../../client/drafts/draftsModel'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { createRawClient, decodeServerMessage, frames, mulberry32 } from '../helpers/rawSocket'

const AUTHORS = ['Ada', 'Bea', 'Cal', 'Dee', 'Eli', 'Fay']
const NAMED_PER_AUTHOR = 3
const ANONYMOUS_PER_AUTHOR = 3
const REVEALS = 5
const CHANCE = 1 / AUTHORS.length

const seed = Number(process.env.REVEAL_ANONYMITY_SEED ?? Math.floor(Math.random() * 2 ** 31))
const random = mulberry32(seed)

const suite = useBoardServer()

interface Author {
  name: string
  personId: string
  writer: TestClient
  /** A second connection to the same drafts document: it holds a draft once the server does. */
  reader: TestClient
}

/** What the observing member received: every update frame, in order, and the document they build. */
interface Observer {
  doc: Y.Doc
  updates: Uint8Array[]
}

async function newAuthor(name: string): Promise<Author> {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${suite.board.tokens.member}` },
  })
  const { personId, personToken } = (await response.json()) as { personId: string; personToken: string }
  const docName = draftsDocName(suite.board.id, personId)
  const author = { name, personId, writer: suite.client(docName, personToken), reader: suite.client(docName, personToken) }
  await Promise.all([waitForSync(author.writer), waitForSync(author.reader)])
  return author
}

async function observe(): Promise<Observer> {
  const raw = createRawClient(`${suite.server.wsUrl}/${suite.board.id}?token=${suite.board.tokens.member}`)
  const observer: Observer = { doc: new Y.Doc(), updates: [] }
  raw.ws.on('message', (data, isBinary) => {
    if (!isBinary) return
    const message = decodeServerMessage(new Uint8Array(data as Buffer))
    if (message.kind !== 'syncStep2' && message.kind !== 'syncUpdate') return
    observer.updates.push(message.update)
    Y.applyUpdate(observer.doc, message.update)
  })
  await raw.opened
  raw.send(frames.syncStep1(Y.encodeStateVector(observer.doc)))
  return observer
}

/**
 * Each person writes their drafts at their own pace during a ten-minute round, named and
 * anonymous in a random order, each where the client puts a person's drafts (draftPlacement
 * around a shared view centre). Returns draft text -> author name, the truth the adversary guesses.
 */
function writeDrafts(authors: Author[], roundId: string): Map<string, string> {
  const truth = new Map<string, string>()
  const roundStart = Date.now() - 10 * 60_000
  for (const author of authors) {
    const kinds = [...Array(NAMED_PER_AUTHOR).fill(false), ...Array(ANONYMOUS_PER_AUTHOR).fill(true)] as boolean[]
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[kinds[i], kinds[j]] = [kinds[j], kinds[i]]
    }
    let at = roundStart + Math.floor(random() * 120_000)
    kinds.forEach((anonymous, index) => {
      at += 15_000 + Math.floor(random() * 45_000)
      const text = `${roundId}: thought ${index} of ${author.name}`
      truth.set(text, author.name)
      const { x, y } = draftPlacement({ x: 0, y: 0 }, index, CONTRIBUTION_DEFAULT_SIZE, personSlot(author.personId))
      createDraft(author.writer.doc, {
        id: `${roundId}-${index}`,
        roundId,
        kind: 'understanding',
        text,
        anonymous,
        author: { id: `user-${author.name}`, name: author.name, color: '#2f9e44' },
        now: at,
        parentId: 'page:page',
        x,
        y,
        ...CONTRIBUTION_DEFAULT_SIZE,
      })
    })
  }
  return truth
}

interface RevealedCard {
  cardId: string
  author: string
  anonymous: boolean
  createdAt: number
  index: string
  box: { x: number; y: number; w: number; h: number }
  /** The Yjs items of the card and its shape, as [client, first clock, end clock). */
  items: Array<[number, number, number]>
}

type YItem = { id: { client: number; clock: number }; length: number; left: YItem | null; right: YItem | null }

/** Every item an entry of a map is made of, with the values it replaced. */
function itemsOfEntry(map: object, key: string): YItem[] {
  const found: YItem[] = []
  for (let item = (map as unknown as { _map: Map<string, YItem> })._map.get(key) ?? null; item; item = item.left) found.push(item)
  return found
}

function itemsOfCard(doc: Y.Doc, cardId: string, shapeId: string): Array<[number, number, number]> {
  const cards = doc.getMap<Y.Map<unknown>>(CARDS_MAP)
  const card = cards.get(cardId)!
  const items = [...itemsOfEntry(cards, cardId), ...itemsOfEntry(doc.getMap(TLDRAW_RECORDS_MAP), shapeId)]
  for (const key of (card as unknown as { _map: Map<string, unknown> })._map.keys()) items.push(...itemsOfEntry(card, key))
  const text = card.get('text') as unknown as { _start: YItem | null }
  for (let item = text._start; item; item = item.right) items.push(item)
  return items.map((item) => [item.id.client, item.id.clock, item.id.clock + item.length])
}

function revealedCards(observer: Observer, truth: Map<string, string>): RevealedCard[] {
  const records = observer.doc.getMap<{ type: string; index: string; x: number; y: number; props: { w: number; h: number; cardId: string } }>(
    TLDRAW_RECORDS_MAP,
  )
  const result: RevealedCard[] = []
  for (const [shapeId, record] of records.entries()) {
    if (record.type !== 'contribution') continue
    const card = readCard(observer.doc, record.props.cardId)
    const author = card && truth.get(card.text)
    if (!card || !author) continue
    result.push({
      cardId: card.id,
      author,
      anonymous: card.anonymous,
      createdAt: card.createdAt,
      index: record.index,
      box: { x: record.x, y: record.y, w: record.props.w, h: record.props.h },
      items: itemsOfCard(observer.doc, card.id, shapeId),
    })
  }
  return result
}

/** The cards an update carries items of. */
function cardsInUpdate(update: Uint8Array, cards: RevealedCard[]): Set<RevealedCard> {
  const inUpdate = new Set<RevealedCard>()
  for (const struct of Y.decodeUpdate(update).structs) {
    if (!(struct instanceof Y.Item)) continue
    const { client, clock } = struct.id
    const end = clock + struct.length
    for (const card of cards) {
      if (card.items.some(([c, from, to]) => c === client && from < end && clock < to)) inUpdate.add(card)
    }
  }
  return inUpdate
}

function clockDistance(a: RevealedCard, b: RevealedCard): number {
  let best = Infinity
  for (const [ca, fromA, toA] of a.items) {
    for (const [cb, fromB, toB] of b.items) {
      if (ca !== cb) continue
      best = Math.min(best, Math.max(0, fromB - toA, fromA - toB))
    }
  }
  return best
}

const centre = (card: RevealedCard) => ({ x: card.box.x + card.box.w / 2, y: card.box.y + card.box.h / 2 })

/** The author of the named card nearest by `distance`; a coin among the nearest when they tie. */
function nearestAuthor(anonymous: RevealedCard, named: RevealedCard[], distance: (a: RevealedCard, b: RevealedCard) => number): string {
  let best = Infinity
  let nearest: RevealedCard[] = []
  for (const card of named) {
    const d = distance(anonymous, card)
    if (d < best) [best, nearest] = [d, [card]]
    else if (d === best) nearest.push(card)
  }
  if (nearest.length === 0 || best === Infinity) return AUTHORS[Math.floor(random() * AUTHORS.length)]
  return nearest[Math.floor(random() * nearest.length)].author
}

const STRATEGIES = ['frame co-membership', 'Yjs clocks', 'position', 'createdAt', 'index order'] as const
type Strategy = (typeof STRATEGIES)[number]

/** The adversary's guess of each anonymous card's author, by each strategy. */
function guess(cards: RevealedCard[], updates: Uint8Array[]): Map<Strategy, Map<RevealedCard, string>> {
  const named = cards.filter((card) => !card.anonymous)
  const anonymous = cards.filter((card) => card.anonymous)
  const guesses = new Map<Strategy, Map<RevealedCard, string>>(STRATEGIES.map((strategy) => [strategy, new Map()]))
  const perUpdate = updates.map((update) => cardsInUpdate(update, cards))
  const byIndex = [...cards].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0))
  const rank = new Map(byIndex.map((card, i) => [card, i]))
  for (const card of anonymous) {
    // (a) The named cards that came in the same frames: the author with most of them.
    const votes = new Map<string, number>()
    for (const inUpdate of perUpdate) {
      if (!inUpdate.has(card)) continue
      for (const other of inUpdate) if (!other.anonymous) votes.set(other.author, (votes.get(other.author) ?? 0) + 1)
    }
    const most = Math.max(0, ...votes.values())
    const leaders = [...votes].filter(([, count]) => count === most && most > 0).map(([author]) => author)
    guesses
      .get('frame co-membership')!
      .set(card, leaders.length > 0 ? leaders[Math.floor(random() * leaders.length)] : AUTHORS[Math.floor(random() * AUTHORS.length)])
    // (b)–(e) The nearest named card by clock, place, time and z-order.
    guesses.get('Yjs clocks')!.set(card, nearestAuthor(card, named, clockDistance))
    guesses.get('position')!.set(
      card,
      nearestAuthor(card, named, (a, b) => Math.hypot(centre(a).x - centre(b).x, centre(a).y - centre(b).y)),
    )
    guesses.get('createdAt')!.set(
      card,
      nearestAuthor(card, named, (a, b) => Math.abs(a.createdAt - b.createdAt)),
    )
    guesses.get('index order')!.set(
      card,
      nearestAuthor(card, named, (a, b) => Math.abs(rank.get(a)! - rank.get(b)!)),
    )
  }
  return guesses
}

/** Whether a sequence of authors comes in one run per author (the order a per-author reveal gives). */
function groupedByAuthor(authors: string[]): boolean {
  let runs = 0
  authors.forEach((author, i) => {
    if (i === 0 || authors[i - 1] !== author) runs++
  })
  return runs === new Set(authors).size
}

function overlaps(a: RevealedCard['box'], b: RevealedCard['box']): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

describe('anonymity at reveal, against an adversary who records every frame', () => {
  test('no update mixes anonymous and named cards, anonymous cards are dated at the reveal and shuffled, and no strategy guesses authors better than chance', async () => {
    console.log(`reveal anonymity seed: ${seed} (REVEAL_ANONYMITY_SEED=${seed} replays it)`)
    const facilitator = suite.client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
    const control = suite.client(controlDocName(suite.board.id), suite.board.tokens.member)
    const facilitatorCanvas = suite.client(suite.board.id, suite.board.tokens.facilitator)
    await Promise.all([waitForSync(facilitator), waitForSync(control), waitForSync(facilitatorCanvas)])
    // Something is on the page already, right where everyone's drafts were written.
    const existing = { x: -400, y: -200, w: 1200, h: 500 }
    facilitatorCanvas.doc.transact(() => {
      const records = facilitatorCanvas.doc.getMap(TLDRAW_RECORDS_MAP)
      records.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
      records.set('shape:existing', {
        id: 'shape:existing',
        typeName: 'shape',
        type: 'geo',
        parentId: 'page:page',
        index: 'a1',
        x: existing.x,
        y: existing.y,
        rotation: 0,
        isLocked: false,
        opacity: 1,
        props: { w: existing.w, h: existing.h },
        meta: {},
      })
    })
    const authors = await Promise.all(AUTHORS.map(newAuthor))
    const observer = await observe()
    await waitFor(() => observer.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:existing'), 10_000, 'the observer to hold the page')

    const hits = new Map<Strategy, number>(STRATEGIES.map((strategy) => [strategy, 0]))
    let samples = 0
    const allRevealed: RevealedCard[] = []
    for (let r = 0; r < REVEALS; r++) {
      const roundId = `round-${r}`
      openThinkAloneRound(facilitator.doc, roundId, Date.now())
      await waitFor(() => readThinkAloneRound(control.doc)?.roundId === roundId, 10_000, 'the round to open')
      const truth = writeDrafts(authors, roundId)
      await waitFor(
        () =>
          authors.every(
            (author) => listDrafts(author.reader.doc).filter((draft) => draft.roundId === roundId).length === NAMED_PER_AUTHOR + ANONYMOUS_PER_AUTHOR,
          ),
        10_000,
        'every draft to reach the server',
      )

      const firstUpdate = observer.updates.length
      const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/reveal`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${suite.board.tokens.facilitator}` },
      })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { revealed: number }).revealed).toBe(truth.size)
      await waitFor(() => revealedCards(observer, truth).length === truth.size, 10_000, 'every card to reach the observer')
      await waitFor(() => readThinkAloneRound(control.doc)?.status === 'revealed', 10_000, 'the round to be revealed')
      const cards = revealedCards(observer, truth)
      const updates = observer.updates.slice(firstUpdate)
      const anonymous = cards.filter((card) => card.anonymous)
      expect(anonymous).toHaveLength(AUTHORS.length * ANONYMOUS_PER_AUTHOR)

      // No update carries items of both anonymous and named cards.
      for (const update of updates) {
        const kinds = new Set([...cardsInUpdate(update, cards)].map((card) => card.anonymous))
        expect.soft(kinds.size, 'an update with both anonymous and named cards').toBeLessThanOrEqual(1)
      }
      // Anonymous cards are all dated at the reveal, and all of one size.
      const revealedAt = readThinkAloneRound(control.doc)!.revealedAt
      for (const card of anonymous) {
        expect.soft(card.createdAt).toBe(revealedAt)
        expect.soft({ w: card.box.w, h: card.box.h }).toEqual(CONTRIBUTION_DEFAULT_SIZE)
      }
      // The anonymous block is not in authors' order, by clock, by z-order or by place.
      const firstClock = (card: RevealedCard) => Math.min(...card.items.map(([, from]) => from))
      const orders = {
        clock: [...anonymous].sort((a, b) => firstClock(a) - firstClock(b)),
        index: [...anonymous].sort((a, b) => (a.index < b.index ? -1 : 1)),
        place: [...anonymous].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x),
      }
      for (const [order, sorted] of Object.entries(orders)) {
        expect.soft(groupedByAuthor(sorted.map((card) => card.author)), `anonymous cards grouped by author in ${order} order`).toBe(false)
      }

      for (const [strategy, guessed] of guess(cards, updates)) {
        for (const [card, author] of guessed) if (card.author === author) hits.set(strategy, hits.get(strategy)! + 1)
      }
      samples += anonymous.length
      allRevealed.push(...cards)
    }

    // Nothing revealed covers what was there, or another revealed card.
    const onExisting = allRevealed.filter((card) => overlaps(card.box, existing))
    const onEachOther = allRevealed.flatMap((card, i) =>
      allRevealed
        .slice(i + 1)
        .filter((other) => overlaps(card.box, other.box))
        .map((other) => [card.box, other.box]),
    )
    expect.soft(onExisting.length, 'revealed cards on the shape that was there').toBe(0)
    expect.soft(onEachOther.length, `revealed cards on each other, e.g. ${JSON.stringify(onEachOther[0])}`).toBe(0)

    const rates = Object.fromEntries(STRATEGIES.map((strategy) => [strategy, hits.get(strategy)! / samples]))
    const best = Math.max(...Object.values(rates))
    // Four standard errors of a hit rate at chance over this many guesses: with five strategies a
    // run at chance exceeds it about once in five thousand.
    const tolerance = 4 * Math.sqrt((CHANCE * (1 - CHANCE)) / samples)
    console.log(
      `reveal anonymity: ${samples} anonymous cards from ${AUTHORS.length} authors over ${REVEALS} reveals; chance ${CHANCE.toFixed(3)}, tolerance ${tolerance.toFixed(3)}\n` +
        STRATEGIES.map((strategy) => `  ${strategy.padEnd(20)} ${rates[strategy].toFixed(3)}`).join('\n') +
        `\n  best guess rate      ${best.toFixed(3)}`,
    )
    expect(best).toBeLessThanOrEqual(CHANCE + tolerance)
  })
})

/**
 * Think alone, then reveal, through the real server: drafts are private until the facilitator
 * reveals; reveal puts everyone's drafts on the canvas at once (attributed, or anonymous through
 * the server) in free space, keeps the version at reveal, reveals late drafts while the round is
 * revealed — late anonymous ones only together with other people's — and keeps them private once
 * it is closed. (reveal.anonymity.test.ts attacks the anonymity of the reveal itself.)
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { controlDocName, draftsDocName, peopleDocName } from '../../shared/board/docNames'
import { closeThinkAloneRound, createDraft, listDrafts, openThinkAloneRound, readThinkAloneRound, type ThinkAloneRound } from '../../shared/board/drafts'
import { editCardText, listCards, type CardData } from '../../shared/board/boardModel'
import { CARDS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { readRevealedText } from '../../shared/board/revealedTexts'
import { MessageType, SyncMessageType } from '../../shared/protocol/messages'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const suite = useBoardServer()

interface Person {
  name: string
  writer: TestClient
  /** A second connection to the same drafts document: it holds a draft once the server does. */
  reader: TestClient
}

async function person(name: string): Promise<Person> {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${suite.board.tokens.member}` },
  })
  const { personId, personToken } = (await response.json()) as { personId: string; personToken: string }
  const docName = draftsDocName(suite.board.id, personId)
  const p = { name, writer: suite.client(docName, personToken), reader: suite.client(docName, personToken) }
  await Promise.all([waitForSync(p.writer), waitForSync(p.reader)])
  return p
}

interface DraftSpec {
  text: string
  anonymous?: boolean
  parentId?: string
  w?: number
}

/** Writes drafts for `roundId` and waits until the server has them. */
async function writeDrafts(p: Person, roundId: string, drafts: DraftSpec[]): Promise<void> {
  const ids = drafts.map(({ text, anonymous, parentId, w }, i) => {
    const id = `${roundId}-${p.name}-${i}`
    createDraft(p.writer.doc, {
      id,
      roundId,
      kind: 'understanding',
      text,
      anonymous: anonymous ?? false,
      author: { id: `user-${p.name}`, name: p.name, color: '#2f9e44' },
      now: Date.now() - 60_000,
      parentId: parentId ?? 'page:page',
      x: i * 260,
      y: 0,
      w: w ?? 240,
      h: 160,
    })
    return id
  })
  await waitFor(() => ids.every((id) => listDrafts(p.reader.doc).some((draft) => draft.id === id)), 30_000, `${p.name}'s drafts on the server`)
}

async function reveal(token: string) {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** A member's canvas client that also keeps every update the server sent it. */
function recordingCanvas(): TestClient & { updates: Uint8Array[] } {
  const canvas = suite.client(suite.board.id, suite.board.tokens.member)
  const updates: Uint8Array[] = []
  const original = canvas.provider.messageHandlers[MessageType.sync]
  canvas.provider.messageHandlers[MessageType.sync] = (encoder, decoder, provider, emitSynced, messageType) => {
    const peek = decoding.createDecoder(decoder.arr)
    peek.pos = decoder.pos
    if (decoding.readVarUint(peek) !== SyncMessageType.step1) updates.push(decoding.readVarUint8Array(peek))
    original(encoder, decoder, provider, emitSynced, messageType)
  }
  return Object.assign(canvas, { updates })
}

/** The updates that created each card (the card's entry in the cards map). */
function updatesCreating(canvas: { doc: Y.Doc; updates: Uint8Array[] }, card: CardData): number[] {
  const item = (canvas.doc.getMap(CARDS_MAP) as unknown as { _map: Map<string, { id: { client: number; clock: number } }> })._map.get(card.id)!
  const { client, clock } = item.id
  return canvas.updates.flatMap((update, i) =>
    Y.decodeUpdate(update).structs.some((s) => s instanceof Y.Item && s.id.client === client && s.id.clock <= clock && clock < s.id.clock + s.length)
      ? [i]
      : [],
  )
}

const cardWithText = (doc: Y.Doc, text: string) => listCards(doc).find((card) => card.text === text)

async function openRound(facilitator: TestClient, watcher: TestClient, roundId: string): Promise<void> {
  openThinkAloneRound(facilitator.doc, roundId, Date.now())
  await waitFor(() => readThinkAloneRound(watcher.doc)?.roundId === roundId, 30_000, `${roundId} to open`)
}

async function controlClients(): Promise<{ facilitator: TestClient; watcher: TestClient }> {
  const facilitator = suite.client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
  const watcher = suite.client(controlDocName(suite.board.id), suite.board.tokens.member)
  await Promise.all([waitForSync(facilitator), waitForSync(watcher)])
  return { facilitator, watcher }
}

const status = (watcher: TestClient): ThinkAloneRound['status'] | undefined => readThinkAloneRound(watcher.doc)?.status

// Generous deadlines: on a loaded 2-core machine a reveal round trip through the real process can take seconds.
describe('think alone, then reveal', { timeout: 120_000 }, () => {
  test('drafts stay private until the facilitator reveals; then all appear at once, attributed or anonymous, with the version at reveal kept', async () => {
    const { facilitator, watcher } = await controlClients()
    const canvas = recordingCanvas()
    await waitForSync(canvas)
    expect((await reveal(suite.board.tokens.facilitator)).status).toBe(409)
    await openRound(facilitator, watcher, 'round-1')

    const ada = await person('Ada')
    const bea = await person('Bea')
    await writeDrafts(ada, 'round-1', [{ text: 'Ada thinks handovers need a script' }, { text: 'A worry Ada keeps to herself', anonymous: true }])
    await writeDrafts(bea, 'round-1', [{ text: 'Bea saw this on nights' }])
    expect(listCards(canvas.doc)).toEqual([])
    expect((await reveal(suite.board.tokens.member)).status).toBe(403)

    const revealStarted = Date.now()
    const revealed = await reveal(suite.board.tokens.facilitator)
    expect(revealed.status).toBe(200)
    expect(revealed.body.revealed).toBe(3)
    await waitFor(() => listCards(canvas.doc).length === 3, 30_000, 'cards revealed')
    const script = cardWithText(canvas.doc, 'Ada thinks handovers need a script')!
    const worry = cardWithText(canvas.doc, 'A worry Ada keeps to herself')!
    const nights = cardWithText(canvas.doc, 'Bea saw this on nights')!
    expect(script).toMatchObject({ author: { name: 'Ada' }, anonymous: false })
    expect(worry).toMatchObject({ author: null, anonymous: true })
    // Not revealed while the round was open: every card is from the reveal on.
    for (const card of [script, worry, nights])
      expect((canvas.doc.getMap(CARDS_MAP).get(card.id) as Y.Map<unknown>).get('revealedAt')).toBeGreaterThanOrEqual(revealStarted)
    // The anonymous card was created by the server, not by Ada's drafts client, and apart from the named ones.
    const creator = (canvas.doc.getMap(CARDS_MAP) as unknown as { _map: Map<string, { id: { client: number } }> })._map.get(worry.id)!.id.client
    expect(creator).not.toBe(ada.writer.doc.clientID)
    const [worryUpdate] = updatesCreating(canvas, worry)
    expect(updatesCreating(canvas, script)).not.toContain(worryUpdate)
    expect(updatesCreating(canvas, nights)).not.toContain(worryUpdate)
    await waitFor(() => listDrafts(ada.reader.doc).every((draft) => draft.revealedCardId !== null), 30_000, 'drafts marked')

    // Later edits keep the version at reveal.
    editCardText(canvas.doc, script.id, 'Ada now thinks a script is not enough', { id: 'user-bea', name: 'Bea', color: '#000000' }, Date.now())
    expect((canvas.doc.getMap(CARDS_MAP).get(script.id) as Y.Map<unknown>).get('revealedText')).toBe('Ada thinks handovers need a script')
    // The server also keeps it where only it writes (the people document), anonymous cards included, without authors.
    const people = suite.client(peopleDocName(suite.board.id), suite.board.tokens.observer)
    await waitForSync(people)
    await waitFor(() => readRevealedText(people.doc, worry.id) !== null, 10_000, 'texts at reveal in the people document')
    expect(readRevealedText(people.doc, script.id)).toMatchObject({ text: 'Ada thinks handovers need a script' })
    expect(readRevealedText(people.doc, worry.id)).toMatchObject({ text: 'A worry Ada keeps to herself' })
    expect(JSON.stringify(people.doc.getMap('revealed').toJSON())).not.toContain('Ada"')

    // Revealing again changes nothing.
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)

    // A member who was offline writes drafts later: revealed when they arrive, and nothing else with them.
    await writeDrafts(await person('Carl'), 'round-1', [{ text: 'Carl was offline during the round' }])
    await waitFor(() => cardWithText(canvas.doc, 'Carl was offline during the round') !== undefined, 30_000, 'late draft revealed')
    expect(listCards(canvas.doc)).toHaveLength(4)

    // Once the facilitator closes the round, late drafts stay private.
    closeThinkAloneRound(facilitator.doc)
    await waitFor(() => status(watcher) === 'closed', 30_000, 'round closed')
    const dee = await person('Dee')
    await writeDrafts(dee, 'round-1', [{ text: 'Dee is too late' }])
    expect((await reveal(suite.board.tokens.facilitator)).status).toBe(409)

    // A new round reveals its own drafts only: Dee's draft from the closed round stays private.
    await openRound(facilitator, watcher, 'round-2')
    await writeDrafts(await person('Eve'), 'round-2', [{ text: 'Eve writes in round two' }])
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(1)
    await waitFor(() => cardWithText(canvas.doc, 'Eve writes in round two') !== undefined, 30_000, 'round two revealed')
    expect(cardWithText(canvas.doc, 'Dee is too late')).toBeUndefined()
    expect(listDrafts(dee.reader.doc)[0].revealedCardId).toBeNull()
  })

  test('revealed drafts go in free space, never on what is on the page; a draft whose page is gone goes on the page; one tldraw would refuse is left out and logged, the others revealed', async () => {
    const { facilitator, watcher } = await controlClients()
    const canvas = recordingCanvas()
    await waitForSync(canvas)
    // Where the drafts were written there is a big shape already.
    const there = { x: -100, y: -100, w: 1200, h: 500 }
    canvas.doc.transact(() => {
      const records = canvas.doc.getMap(TLDRAW_RECORDS_MAP)
      if (!records.has('page:page')) records.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
      records.set('shape:there', {
        id: 'shape:there',
        typeName: 'shape',
        type: 'geo',
        parentId: 'page:page',
        index: 'a1',
        x: there.x,
        y: there.y,
        rotation: 0,
        isLocked: false,
        opacity: 1,
        props: { w: there.w, h: there.h },
        meta: {},
      })
    })
    await openRound(facilitator, watcher, 'round-3')
    await writeDrafts(await person('Fay'), 'round-3', [
      { text: 'Fay: a checklist at the bedside' },
      { text: 'Fay: written on a page since deleted', parentId: 'page:deleted' },
      { text: 'Fay: a draft no tldraw accepts', w: -5 },
    ])
    await writeDrafts(await person('Gil'), 'round-3', [{ text: 'Gil: nobody owns the handover', anonymous: true }, { text: 'Gil: nights are short-staffed' }])

    const revealed = await reveal(suite.board.tokens.facilitator)
    expect(revealed.body.revealed).toBe(4)
    const texts = ['Fay: a checklist at the bedside', 'Fay: written on a page since deleted', 'Gil: nobody owns the handover', 'Gil: nights are short-staffed']
    await waitFor(() => texts.every((text) => cardWithText(canvas.doc, text)), 30_000, 'the four cards')
    expect(cardWithText(canvas.doc, 'Fay: a draft no tldraw accepts')).toBeUndefined()
    await waitFor(
      () => suite.server.logs.some((line) => line.msg === 'a draft could not be revealed' && /props\.w/.test(String(line.reason))),
      30_000,
      'the refusal logged',
    )

    const records = canvas.doc.getMap<{ type: string; parentId: string; x: number; y: number; props: { w: number; h: number; cardId: string } }>(
      TLDRAW_RECORDS_MAP,
    )
    const revealedIds = new Set(texts.map((text) => cardWithText(canvas.doc, text)!.id))
    const cards = [...records.values()].filter((record) => record.type === 'contribution' && revealedIds.has(record.props.cardId))
    const gone = cards.find((record) => record.props.cardId === cardWithText(canvas.doc, 'Fay: written on a page since deleted')!.id)!
    expect(gone.parentId).toBe('page:page')
    const box = (r: (typeof cards)[number]) => ({ x: r.x, y: r.y, w: r.props.w, h: r.props.h })
    const overlap = (a: typeof there, b: typeof there) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    for (const card of cards) {
      expect(overlap(box(card), there)).toBe(false)
      for (const other of cards) if (other !== card) expect(overlap(box(card), box(other))).toBe(false)
    }
  })

  test('revealing a round already revealed writes nothing to it, so a facilitator closing it right after is never undone', async () => {
    const { facilitator, watcher } = await controlClients()
    await openRound(facilitator, watcher, 'round-close-race')
    expect((await reveal(suite.board.tokens.facilitator)).status).toBe(200)
    await waitFor(() => status(watcher) === 'revealed' && readThinkAloneRound(facilitator.doc)?.status === 'revealed', 30_000, 'round revealed')
    const before = Y.encodeStateVector(watcher.doc)
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)
    // The facilitator closes at once, before anything the second reveal could have written reached them.
    closeThinkAloneRound(facilitator.doc)
    await waitFor(() => status(watcher) === 'closed', 30_000, 'round closed')
    const since = Y.decodeUpdate(Y.encodeStateAsUpdate(watcher.doc, before)).structs
    expect(new Set(since.map((struct) => struct.id.client))).toEqual(new Set([facilitator.doc.clientID]))
  })

  test('late anonymous drafts wait until three people’s are waiting, then go out together in an update of their own; fewer stay private when the round closes', async () => {
    const { facilitator, watcher } = await controlClients()
    const canvas = recordingCanvas()
    await waitForSync(canvas)
    await openRound(facilitator, watcher, 'round-4')
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)
    await waitFor(() => status(watcher) === 'revealed', 30_000, 'round revealed')

    const late = async (name: string) => {
      const p = await person(name)
      await writeDrafts(p, 'round-4', [
        { text: `${name}: said out loud` },
        { text: `${name}: first secret`, anonymous: true },
        { text: `${name}: second secret`, anonymous: true },
      ])
      await waitFor(() => cardWithText(canvas.doc, `${name}: said out loud`) !== undefined, 30_000, `${name}'s named late draft`)
      return p
    }
    const secretsOf = (names: string[]) => names.flatMap((name) => [`${name}: first secret`, `${name}: second secret`])
    const shown = (texts: string[]) => texts.filter((text) => cardWithText(canvas.doc, text) !== undefined)

    await late('Gus')
    // Hal's named draft is revealed after the server finished with Gus's drafts.
    await late('Hal')
    expect(shown(secretsOf(['Gus', 'Hal']))).toEqual([])
    // Two people waiting: revealing again does not release them either.
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)
    expect(shown(secretsOf(['Gus', 'Hal']))).toEqual([])

    const thirdArrives = Date.now()
    await late('Ivy')
    const secrets = secretsOf(['Gus', 'Hal', 'Ivy'])
    await waitFor(() => shown(secrets).length === secrets.length, 30_000, 'the held anonymous drafts')
    const released = secrets.map((text) => cardWithText(canvas.doc, text)!)
    const [update, ...more] = updatesCreating(canvas, released[0])
    expect(more).toEqual([])
    for (const card of released) {
      expect(card).toMatchObject({ author: null, anonymous: true })
      expect(updatesCreating(canvas, card)).toEqual([update])
      expect(card.createdAt).toBe(released[0].createdAt)
    }
    expect(released[0].createdAt).toBeGreaterThanOrEqual(thirdArrives)
    for (const name of ['Gus', 'Hal', 'Ivy']) expect(updatesCreating(canvas, cardWithText(canvas.doc, `${name}: said out loud`)!)).not.toContain(update)

    // One person waiting when the round closes: their anonymous drafts stay private.
    const jon = await person('Jon')
    await writeDrafts(jon, 'round-4', [{ text: 'Jon: kept to himself', anonymous: true }])
    await late('Kim')
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)
    expect(shown(['Jon: kept to himself', ...secretsOf(['Kim'])])).toEqual([])
    closeThinkAloneRound(facilitator.doc)
    await waitFor(() => status(watcher) === 'closed', 30_000, 'round closed')
    await openRound(facilitator, watcher, 'round-5')
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)
    expect(shown(['Jon: kept to himself', ...secretsOf(['Kim'])])).toEqual([])
    expect(listDrafts(jon.reader.doc)[0].revealedCardId).toBeNull()
  })
})

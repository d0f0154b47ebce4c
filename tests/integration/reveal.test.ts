/**
 * Think alone, then reveal, through the real server: drafts are private until the facilitator
 * reveals; reveal puts everyone's drafts on the canvas at once (attributed, or anonymous through
 * the server), keeps the version at reveal, reveals late drafts while the round is revealed and
 * keeps them private once it is closed.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { closeThinkAloneRound, createDraft, listDrafts, openThinkAloneRound } from '../../shared/board/drafts'
import { editCardText, listCards } from '../../shared/board/boardModel'
import { CARDS_MAP } from '../../shared/board/docLayout'
import { useBoardServer } from '../helpers/boardServer'
import { sleep, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const suite = useBoardServer()
const client = (docName: string, token: string): TestClient => suite.client(docName, token)

async function person(): Promise<{ personId: string; personToken: string }> {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, { method: 'POST', headers: { Authorization: `Bearer ${suite.board.tokens.member}` } })
  return (await response.json()) as { personId: string; personToken: string }
}

async function drafts(name: string, texts: Array<{ text: string; anonymous?: boolean }>, roundId = 'round-1') {
  const me = await person()
  const c = client(draftsDocName(suite.board.id, me.personId), me.personToken)
  await waitForSync(c)
  texts.forEach(({ text, anonymous }, i) =>
    createDraft(c.doc, {
      id: `draft-${name}-${i}`,
      roundId,
      kind: 'understanding',
      text,
      anonymous: anonymous ?? false,
      author: { id: `user-${name}`, name, color: '#2f9e44' },
      now: Date.now(),
      parentId: 'page:page',
      x: i * 260,
      y: 0,
      w: 240,
      h: 160,
    }),
  )
  return c
}

async function reveal(token: string) {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('think alone, then reveal', () => {
  test('drafts stay private until the facilitator reveals; then all appear at once, attributed or anonymous, with the version at reveal kept', async () => {
    const facilitatorControl = client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
    const canvas = client(suite.board.id, suite.board.tokens.member)
    await Promise.all([waitForSync(facilitatorControl), waitForSync(canvas)])
    expect((await reveal(suite.board.tokens.facilitator)).status).toBe(409)
    openThinkAloneRound(facilitatorControl.doc, 'round-1', Date.now())
    await sleep(200)

    const ada = await drafts('Ada', [{ text: 'Ada thinks handovers need a script' }, { text: 'A worry Ada keeps to herself', anonymous: true }])
    await drafts('Bea', [{ text: 'Bea saw this on nights' }])
    await sleep(300)
    expect(listCards(canvas.doc)).toEqual([])
    expect((await reveal(suite.board.tokens.member)).status).toBe(403)

    const revealed = await reveal(suite.board.tokens.facilitator)
    expect(revealed.status).toBe(200)
    expect(revealed.body.revealed).toBe(3)
    await waitFor(() => listCards(canvas.doc).length === 3, 5000, 'cards revealed')
    const byText = new Map(listCards(canvas.doc).map((card) => [card.text, card]))
    expect(byText.get('Ada thinks handovers need a script')).toMatchObject({ author: { name: 'Ada' }, anonymous: false })
    expect(byText.get('A worry Ada keeps to herself')).toMatchObject({ author: null, anonymous: true })
    // The anonymous card was created by the server, not by Ada's drafts client.
    const creator = (canvas.doc.getMap(CARDS_MAP) as unknown as { _map: Map<string, { id: { client: number } }> })._map.get(byText.get('A worry Ada keeps to herself')!.id)!.id.client
    expect(creator).not.toBe(ada.doc.clientID)
    // Ada's drafts are marked revealed.
    await waitFor(() => listDrafts(ada.doc).every((draft) => draft.revealedCardId !== null), 5000, 'drafts marked')

    // Later edits keep the version at reveal.
    const scriptCard = byText.get('Ada thinks handovers need a script')!
    editCardText(canvas.doc, scriptCard.id, 'Ada now thinks a script is not enough', { id: 'user-bea', name: 'Bea', color: '#000000' }, Date.now())
    const cardMap = canvas.doc.getMap(CARDS_MAP).get(scriptCard.id) as Y.Map<unknown>
    expect(cardMap.get('revealedText')).toBe('Ada thinks handovers need a script')

    // Revealing again changes nothing.
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(0)
    await sleep(300)
    expect(listCards(canvas.doc)).toHaveLength(3)

    // A member who was offline writes drafts later: revealed when they arrive.
    await drafts('Carl', [{ text: 'Carl was offline during the round' }])
    await waitFor(() => listCards(canvas.doc).some((card) => card.text === 'Carl was offline during the round'), 5000, 'late draft revealed')

    // Once the facilitator closes the round, late drafts stay private.
    closeThinkAloneRound(facilitatorControl.doc)
    await sleep(300)
    const dee = await drafts('Dee', [{ text: 'Dee is too late' }])
    await sleep(1000)
    expect(listCards(canvas.doc).some((card) => card.text === 'Dee is too late')).toBe(false)
    expect(listDrafts(dee.doc)[0].revealedCardId).toBeNull()
    expect((await reveal(suite.board.tokens.facilitator)).status).toBe(409)

    // A new round reveals its own drafts only: Dee's draft from the closed round stays private.
    openThinkAloneRound(facilitatorControl.doc, 'round-2', Date.now())
    await sleep(200)
    await drafts('Eve', [{ text: 'Eve writes in round two' }], 'round-2')
    await sleep(300)
    expect((await reveal(suite.board.tokens.facilitator)).body.revealed).toBe(1)
    await waitFor(() => listCards(canvas.doc).some((card) => card.text === 'Eve writes in round two'), 5000, 'round two revealed')
    expect(listCards(canvas.doc).some((card) => card.text === 'Dee is too late')).toBe(false)
  })
})

/**
 * Anonymous contributions are inserted by the server: other members' documents never hold the
 * author's identity, neither in the card's fields nor in the Yjs client id that created it.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { CARDS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { readCard } from '../../shared/board/boardModel'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP, isBoardLocked, setBoardLocked } from '../../shared/board/facilitation'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync, type TestClient } from '../helpers/boardClient'

const suite = useBoardServer()
const ada = { id: 'user-ada-7f3a', name: 'Ada Lovelace', color: '#e03131' }
const mallory = { id: 'mallory', name: 'Mallory', color: '#000000' }

/** A personal token for a person the server knows by `name`; returns it and the person's id. */
async function personNamed(name: string): Promise<{ token: string; id: string; color: string }> {
  const issued = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${suite.board.tokens.member}` },
  })
  const { personToken, personId } = (await issued.json()) as { personToken: string; personId: string }
  const renamed = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people/me`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${personToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, color: '#F2555A', practice: '' }),
  })
  expect(renamed.status).toBe(200)
  return { token: personToken, id: personId, color: '#F2555A' }
}

function client(token: string): TestClient {
  return suite.client(suite.board.id, token)
}

function api(path: string, method: string, token: string, body: unknown) {
  return fetch(`${suite.server.url}/api/boards/${suite.board.id}/anonymous-cards${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

const shape = (id: string) => ({ id, parentId: 'page:page', index: 'a1', x: 100, y: 200, w: 240, h: 160 })

/** The Yjs client id that created the map entry `key`. */
function creatorOf(map: Y.Map<unknown>, key: string): number | undefined {
  return (map as unknown as { _map: Map<string, { id: { client: number } }> })._map.get(key)?.id.client
}

describe('anonymous contributions', () => {
  test('the card reaches others with no author and created by the server’s client id, never the author’s', async () => {
    const author = client(suite.board.tokens.member)
    const other = client(suite.board.tokens.member)
    await Promise.all([waitForSync(author), waitForSync(other)])
    author.provider.awareness.setLocalStateField('user', ada)
    const response = await api('', 'POST', suite.board.tokens.member, {
      kind: 'concern',
      text: 'I am not sure we are safe at night.',
      shape: shape('shape:anon1'),
    })
    expect(response.status).toBe(201)
    const { cardId, shapeId, claimKey } = (await response.json()) as { cardId: string; shapeId: string; claimKey: string }
    expect(shapeId).toBe('shape:anon1')
    expect(claimKey.length).toBeGreaterThan(20)
    await waitFor(() => readCard(other.doc, cardId) !== null && other.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:anon1'), 5000, 'card')
    const card = readCard(other.doc, cardId)!
    expect(card).toMatchObject({ kind: 'concern', text: 'I am not sure we are safe at night.', author: null, anonymous: true })
    const record = other.doc.getMap(TLDRAW_RECORDS_MAP).get('shape:anon1') as { type: string; props: { cardId: string } }
    expect(record.type).toBe('contribution')
    expect(record.props.cardId).toBe(cardId)
    const creators = [creatorOf(other.doc.getMap(CARDS_MAP), cardId), creatorOf(other.doc.getMap(TLDRAW_RECORDS_MAP), 'shape:anon1')]
    for (const creator of creators) {
      expect(creator).toBeDefined()
      expect(creator).not.toBe(author.doc.clientID)
      expect(creator).not.toBe(other.doc.clientID)
    }
    const everything = Buffer.from(Y.encodeStateAsUpdate(other.doc)).toString('latin1')
    expect(everything).not.toContain(ada.id)
    expect(everything).not.toContain(ada.name)

    // The author edits the text through the server: still no trace of them.
    const edited = await api(`/${cardId}/text`, 'PUT', suite.board.tokens.member, { claimKey, text: 'I worry about night shifts.' })
    expect(edited.status).toBe(200)
    await waitFor(() => readCard(other.doc, cardId)?.text === 'I worry about night shifts.', 5000, 'edit')
    expect(readCard(other.doc, cardId)).toMatchObject({ author: null, lastEditor: null, anonymous: true })

    // A wrong key changes nothing.
    expect((await api(`/${cardId}/text`, 'PUT', suite.board.tokens.member, { claimKey: 'x'.repeat(32), text: 'forged' })).status).toBe(403)
    const adaPerson = await personNamed('Ada Lovelace')
    expect((await api(`/${cardId}/claim`, 'POST', adaPerson.token, { claimKey: 'y'.repeat(32) })).status).toBe(403)
    // A claim needs the person's own token: the name comes from it, never from the request.
    expect((await api(`/${cardId}/claim`, 'POST', suite.board.tokens.member, { claimKey, author: ada })).status).toBe(403)

    // Claiming reveals the author to everyone, as the server knows them, whatever the request says.
    const claimed = await api(`/${cardId}/claim`, 'POST', adaPerson.token, { claimKey, author: mallory })
    expect(claimed.status).toBe(200)
    await waitFor(() => readCard(other.doc, cardId)?.anonymous === false, 5000, 'claim')
    expect(readCard(other.doc, cardId)!.author).toEqual({ id: adaPerson.id, name: 'Ada Lovelace', color: adaPerson.color })
    // A claim key works once.
    expect((await api(`/${cardId}/claim`, 'POST', adaPerson.token, { claimKey })).status).toBe(403)
  })

  test('observers cannot post, bad input is refused, and an existing shape id is not overwritten', async () => {
    expect((await api('', 'POST', suite.board.tokens.observer, { kind: 'idea', text: 'x', shape: shape('shape:obs') })).status).toBe(403)
    expect((await api('', 'POST', 'not-a-token', { kind: 'idea', text: 'x', shape: shape('shape:nobody') })).status).toBe(401)
    for (const body of [
      { kind: 'rant', text: 'x', shape: shape('shape:bad1') },
      { kind: 'idea', text: 'x', shape: { ...shape('shape:bad2'), id: '../../etc' } },
      { kind: 'idea', text: 'x', shape: { ...shape('shape:bad3'), w: 1e9 } },
      { kind: 'idea', text: 'x'.repeat(5000), shape: shape('shape:bad4') },
      { kind: 'idea' },
    ]) {
      expect((await api('', 'POST', suite.board.tokens.member, body)).status).toBe(400)
    }
    const first = await api('', 'POST', suite.board.tokens.facilitator, { kind: 'idea', text: 'one', shape: shape('shape:dup') })
    expect(first.status).toBe(201)
    const second = await api('', 'POST', suite.board.tokens.facilitator, { kind: 'idea', text: 'two', shape: shape('shape:dup') })
    expect(second.status).toBe(409)
    const reader = client(suite.board.tokens.observer)
    await waitForSync(reader)
    const record = reader.doc.getMap(TLDRAW_RECORDS_MAP).get('shape:dup') as { props: { cardId: string } }
    expect(readCard(reader.doc, record.props.cardId)?.text).toBe('one')
    expect(reader.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:obs')).toBe(false)
  })

  test('posting, editing and claiming follow the canvas rule: refused while locked (423) and in a phase without cards (403), checked as the card is written', async () => {
    const control = suite.client(controlDocName(suite.board.id), suite.board.tokens.facilitator)
    const reader = suite.client(controlDocName(suite.board.id), suite.board.tokens.observer)
    await Promise.all([waitForSync(control), waitForSync(reader)])
    const posted = await api('', 'POST', suite.board.tokens.member, { kind: 'idea', text: 'before', shape: shape('shape:before-lock') })
    expect(posted.status).toBe(201)
    const { cardId, claimKey } = (await posted.json()) as { cardId: string; claimKey: string }

    setBoardLocked(control.doc, true)
    await waitFor(() => isBoardLocked(reader.doc), 5000, 'the lock reaches the relay')
    const locked = await api('', 'POST', suite.board.tokens.member, { kind: 'idea', text: 'x', shape: shape('shape:while-locked') })
    expect(locked.status).toBe(423)
    expect(((await locked.json()) as { error: string }).error).toMatch(/locked/)
    expect((await api(`/${cardId}/text`, 'PUT', suite.board.tokens.member, { claimKey, text: 'edited while locked' })).status).toBe(423)
    // The facilitator is not bound by the lock.
    expect((await api('', 'POST', suite.board.tokens.facilitator, { kind: 'idea', text: 'f', shape: shape('shape:facilitator-locked') })).status).toBe(201)
    setBoardLocked(control.doc, false)

    const phases = new Y.Array<unknown>()
    control.doc.transact(() => {
      control.doc.getMap(FACILITATION_MAP).set('phases', phases)
      phases.push([{ id: 'share', name: 'Share', instructions: '', durationMs: 0, memberActions: ['reply', 'react', 'arrange'] }])
      control.doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'share')
    })
    await waitFor(
      () => !isBoardLocked(reader.doc) && reader.doc.getMap(FACILITATION_MAP).get('currentPhaseId') === 'share',
      5000,
      'the phase reaches the relay',
    )
    const inShare = await api('', 'POST', suite.board.tokens.member, { kind: 'idea', text: 'x', shape: shape('shape:in-share') })
    expect(inShare.status).toBe(403)
    expect(((await inShare.json()) as { error: string }).error).toMatch(/adding cards/)
    control.doc.getMap(FACILITATION_MAP).delete('currentPhaseId')

    const canvas = client(suite.board.tokens.observer)
    await waitForSync(canvas)
    await waitFor(() => canvas.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:facilitator-locked'), 5000, 'the facilitator’s card')
    expect(canvas.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:while-locked')).toBe(false)
    expect(canvas.doc.getMap(TLDRAW_RECORDS_MAP).has('shape:in-share')).toBe(false)
    expect(readCard(canvas.doc, cardId)?.text).toBe('before')
  })
})

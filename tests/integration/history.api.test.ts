/**
 * The history routes on the real server process (real SQLite, steps of 200 ms): every route
 * checks the token and the role (observers read, only facilitators restore), a moment shows the
 * board as it was and not as it is, bad moments get a clear 400, restoring makes a new board
 * through the same path as POST /api/boards with the content of that moment, an anonymous card
 * posted through the server names nobody in history, and HISTORY_RETENTION_DAYS caps what is kept.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { HistoryMoment, HistoryTimeline } from '../../shared/api/history'
import { CreatedBoard } from '../../shared/api/boards'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync } from '../helpers/boardClient'

const suite = useBoardServer({ env: { HISTORY_STEP_SECONDS: '0.2' } })

function api(path: string, token: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  return fetch(`${suite.server.url}/api/boards/${suite.board.id}/history${path}`, { ...init, headers })
}

async function timeline(token: string) {
  const response = await api('', token)
  expect(response.status).toBe(200)
  return HistoryTimeline.parse(await response.json())
}

function shape(id: string, x: number) {
  return contributionShapeRecord({ id, parentId: 'page:page', index: 'a1', x, y: 0, w: 200, h: 120, cardId: `card-${id}` })
}

function xAt(moment: HistoryMoment, shapeId: string): number | undefined {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Buffer.from(moment.documents.canvas, 'base64'))
  return doc.getMap<{ x: number }>(TLDRAW_RECORDS_MAP).get(shapeId)?.x
}

/** Reads until `done` says the answer is the one awaited (10 s at most). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Waits until the timeline has a step after `after` (the server closes steps every 200 ms). */
async function stepAfter(after: number): Promise<number> {
  const { to } = await eventually(
    () => timeline(suite.board.tokens.observer),
    (value) => value.to !== null && value.to > after,
    `a step after ${after}`,
  )
  return to!
}

describe('history API', () => {
  let firstAt = 0
  let secondAt = 0

  test('an observer sees the timeline and the board as it was at each moment, not as it is', async () => {
    // The board's history begins at its creation, with its title and problem.
    const created = await timeline(suite.board.tokens.observer)
    expect(created.steps).toHaveLength(1)
    const member = suite.client(suite.board.id, suite.board.tokens.member)
    await waitForSync(member)
    member.doc.getMap<unknown>(TLDRAW_RECORDS_MAP).set('shape:h1', shape('shape:h1', 10))
    firstAt = await stepAfter(created.to!)
    member.doc.getMap<unknown>(TLDRAW_RECORDS_MAP).set('shape:h1', shape('shape:h1', 900))
    secondAt = await stepAfter(firstAt)

    const then = await api(`/at?t=${firstAt}`, suite.board.tokens.observer)
    expect(then.status).toBe(200)
    expect(xAt(HistoryMoment.parse(await then.json()), 'shape:h1')).toBe(10)
    const later = HistoryMoment.parse(await (await api(`/at?t=${secondAt}`, suite.board.tokens.observer)).json())
    expect(xAt(later, 'shape:h1')).toBe(900)
    expect(later.changes).toContainEqual({
      who: expect.objectContaining({ role: 'member', personId: null }),
      action: 'changed',
      doc: 'canvas',
      map: TLDRAW_RECORDS_MAP,
      key: 'shape:h1',
    })
    const steps = (await timeline(suite.board.tokens.observer)).steps
    expect(steps.length).toBeGreaterThanOrEqual(3)
  })

  test('every route checks the token: none, forged or another board’s is refused', async () => {
    const other = await fetch(`${suite.server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Other', problem: 'Other problem' }),
    }).then(async (response) => CreatedBoard.parse(await response.json()))
    const otherToken = new URL(other.links.facilitator).hash.replace('#token=', '')
    const forged = `${suite.board.tokens.observer.slice(0, -4)}AAAA`
    for (const token of [null, forged, otherToken]) {
      expect((await api('', token)).status).toBe(401)
      expect((await api(`/at?t=${firstAt}`, token)).status).toBe(401)
      expect((await api('/restore', token, { method: 'POST', body: JSON.stringify({ at: firstAt }) })).status).toBe(401)
    }
  })

  test('a moment that is not a number of milliseconds is a 400 with a sentence; a future one shows now', async () => {
    for (const t of ['', 'abc', '-5', '1e9', '99999999999999999999']) {
      const response = await api(`/at?t=${encodeURIComponent(t)}`, suite.board.tokens.member)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: string }).error).toMatch(/milliseconds/)
    }
    const future = HistoryMoment.parse(await (await api(`/at?t=${Date.now() + 86_400_000}`, suite.board.tokens.member)).json())
    expect(xAt(future, 'shape:h1')).toBe(900)
    expect((await api('/nowhere', suite.board.tokens.member)).status).toBe(404)
    expect((await api('/restore', suite.board.tokens.facilitator)).status).toBe(405)
  })

  test('only facilitators restore; a restored board is new, opens with that moment’s content and its own links', async () => {
    for (const token of [suite.board.tokens.member, suite.board.tokens.observer]) {
      const refused = await api('/restore', token, { method: 'POST', body: JSON.stringify({ at: firstAt }) })
      expect(refused.status).toBe(403)
    }
    expect((await api('/restore', suite.board.tokens.facilitator, { method: 'POST', body: '{"at":"soon"}' })).status).toBe(400)
    expect((await api('/restore', suite.board.tokens.facilitator, { method: 'POST', body: 'not json' })).status).toBe(400)
    const response = await api('/restore', suite.board.tokens.facilitator, { method: 'POST', body: JSON.stringify({ at: firstAt }) })
    expect(response.status).toBe(201)
    const restored = CreatedBoard.parse(await response.json())
    expect(restored.id).not.toBe(suite.board.id)
    const memberToken = new URL(restored.links.member).hash.replace('#token=', '')
    const info = await fetch(`${suite.server.url}/api/boards/${restored.id}`, { headers: { Authorization: `Bearer ${memberToken}` } })
    expect(((await info.json()) as { title: string }).title).toBe('How do we hand over patients safely? (restored)')
    const client = suite.client(restored.id, memberToken)
    await waitForSync(client)
    expect((client.doc.getMap<{ x: number }>(TLDRAW_RECORDS_MAP).get('shape:h1') as { x: number }).x).toBe(10)
    // The old board's links do not open the new one.
    const oldLink = await fetch(`${suite.server.url}/api/boards/${restored.id}`, { headers: { Authorization: `Bearer ${suite.board.tokens.facilitator}` } })
    expect(oldLink.status).toBe(401)
  })

  test('an anonymous card posted through the server names nobody in history; the named sentinel does', async () => {
    const person = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${suite.board.tokens.member}` },
    }).then((response) => response.json() as Promise<{ personId: string; personToken: string; person: { color: string } }>)
    const renamed = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people/me`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${person.personToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Quiet Quinn', color: person.person.color, practice: '' }),
    })
    expect(renamed.status).toBe(200)
    const before = (await timeline(suite.board.tokens.observer)).to ?? 0
    const posted = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/anonymous-cards`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${person.personToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'idea',
        text: 'A quiet idea',
        shape: { id: 'shape:anon-h', parentId: 'page:page', index: 'a5', x: 0, y: 0, w: 200, h: 120 },
      }),
    })
    expect(posted.status).toBe(201)
    const quinn = suite.client(suite.board.id, person.personToken)
    await waitForSync(quinn)
    quinn.doc.getMap<unknown>(TLDRAW_RECORDS_MAP).set('shape:named-h', shape('shape:named-h', 5))
    const { steps } = await eventually(
      () => timeline(suite.board.tokens.observer),
      (value) => value.steps.some((step) => step.at > before && step.who.some((who) => who.personId === person.personId)),
      'the named sentinel in the timeline',
    )
    const moments = await Promise.all(
      steps
        .filter((step) => step.at > before)
        .map(async (step) => HistoryMoment.parse(await (await api(`/at?t=${step.at}`, suite.board.tokens.observer)).json())),
    )
    const changes = moments.flatMap((moment) => moment.changes)
    expect(changes.find((change) => change.key === 'shape:named-h')?.who?.name).toBe('Quiet Quinn')
    const anonymous = changes.filter((change) => change.key === 'shape:anon-h' || (change.map === 'cards' && change.who === null))
    expect(anonymous.length).toBeGreaterThan(0)
    expect(anonymous.every((change) => change.who === null)).toBe(true)
  })
})

describe('history retention', () => {
  const short = useBoardServer({ env: { HISTORY_STEP_SECONDS: '0.1', HISTORY_RETENTION_DAYS: '0.00002' } })

  test('a moment older than HISTORY_RETENTION_DAYS is no longer shown or listed', async () => {
    const member = short.client(short.board.id, short.board.tokens.member)
    await waitForSync(member)
    member.doc.getMap<unknown>(TLDRAW_RECORDS_MAP).set('shape:old', shape('shape:old', 1))
    const read = (path: string) =>
      fetch(`${short.server.url}/api/boards/${short.board.id}/history${path}`, { headers: { Authorization: `Bearer ${short.board.tokens.observer}` } })
    const { from: first } = await eventually(
      async () => HistoryTimeline.parse(await (await read('')).json()),
      (value) => value.from !== null,
      'a first step',
    )
    // 0.00002 days is 1.7 s: after that the first moment is past the cap.
    await waitFor(() => Date.now() > first! + 1800, 5000, 'the cap to pass')
    const response = await read(`/at?t=${first}`)
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: string }).error).toMatch(/older than the history this server keeps/)
    const kept = HistoryTimeline.parse(await (await read('')).json())
    expect(kept.steps.every((step) => step.at > first!)).toBe(true)
    expect(kept.from === null || kept.from > first!).toBe(true)
  })
})

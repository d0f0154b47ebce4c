/**
 * Links that can be withdrawn, and deleting a board, against the real server process on real
 * SQLite: replacing a role's link closes what the old link opened (with 4403 and a clear reason),
 * refuses the old link and the personal tokens minted through it on every websocket and HTTP
 * path, and leaves the other roles alone; a connection racing the rotation does not survive it;
 * an expiring link hands its expiry on to personal tokens; deleting a board (after its title is
 * typed) closes its connections with 4410, removes every row of it and makes its links answer
 * 404 / 4404, while other boards carry on.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { decodeJwt } from 'jose'
import type * as Y from 'yjs'
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { BOARD_MAP, BOARD_TITLE_KEY } from '../../shared/board/docLayout'
import { CloseCode } from '../../shared/protocol/messages'
import type { BoardRole } from '../../shared/board/roles'
import { connectClient, createBoard, waitFor, waitForSync, type CreatedBoard, type TestClient } from '../helpers/boardClient'
import { closedWithin, createRawClient, type RawClient } from '../helpers/rawSocket'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

let server: ServerProcess
const clients: TestClient[] = []
const raws: RawClient[] = []

beforeAll(async () => {
  server = await startServerProcess()
})

afterAll(async () => {
  for (const client of clients) client.destroy()
  for (const raw of raws) raw.close()
  await server.stop()
  removeDataDir(server.dataDir)
})

const client = (docName: string, token: string) => {
  const created = connectClient(server.wsUrl, docName, token)
  clients.push(created)
  return created
}

/** A raw websocket on a document, the token in the query as the stock client sends it. */
const raw = (docName: string, token: string) => {
  const created = createRawClient(`${server.wsUrl}/${docName}?token=${encodeURIComponent(token)}`)
  raws.push(created)
  return created
}

const api = (path: string, token: string | null, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })

const rotate = (board: CreatedBoard, role: BoardRole, token: string, body?: unknown) =>
  api(`/api/boards/${board.id}/links/${role}/rotate`, token, { method: 'POST', body })

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '')

async function personalToken(board: CreatedBoard, linkToken: string): Promise<{ personId: string; personToken: string }> {
  const response = await api(`/api/boards/${board.id}/people`, linkToken, { method: 'POST' })
  expect(response.status).toBe(201)
  return (await response.json()) as { personId: string; personToken: string }
}

describe('replacing a link', () => {
  test('the old member link and its personal tokens stop at once, everywhere; the new link and the other roles work', async () => {
    const board = await createBoard(server.url)
    const member = await personalToken(board, board.tokens.member)
    const observer = await personalToken(board, board.tokens.observer)
    const onOldLink = client(board.id, board.tokens.member)
    const onOldPersonal = client(draftsDocName(board.id, member.personId), member.personToken)
    const observerCanvas = client(board.id, observer.personToken)
    const facilitatorCanvas = client(board.id, board.tokens.facilitator)
    await Promise.all([onOldLink, onOldPersonal, observerCanvas, facilitatorCanvas].map((c) => waitForSync(c)))

    const response = await rotate(board, 'member', board.tokens.facilitator)
    expect(response.status).toBe(200)
    const { link, expiresAt } = (await response.json()) as { link: string; expiresAt: number | null }
    expect(expiresAt).toBeNull()
    expect(new URL(link).pathname).toBe(`/b/${board.id}`)
    const newToken = tokenOf(link)
    expect(newToken).not.toBe(board.tokens.member)

    await waitFor(
      () => onOldLink.closeCodes.includes(CloseCode.linkReplaced) && onOldPersonal.closeCodes.includes(CloseCode.linkReplaced),
      5000,
      'old-link connections closed',
    )
    const closeLog = server.logs.find((entry) => entry.msg === 'closing connection' && entry.closeCode === CloseCode.linkReplaced)
    expect(closeLog?.reason).toBe('This link was replaced; ask the facilitator for the new one.')

    // The old link and the personal token minted through it, on a raw socket and over HTTP.
    for (const [docName, token] of [
      [board.id, board.tokens.member],
      [draftsDocName(board.id, member.personId), member.personToken],
    ] as const) {
      const refused = await closedWithin(raw(docName, token))
      expect(refused).toMatchObject({ code: CloseCode.linkReplaced, reason: 'This link was replaced; ask the facilitator for the new one.' })
    }
    for (const token of [board.tokens.member, member.personToken]) {
      const answer = await api(`/api/boards/${board.id}`, token)
      expect(answer.status).toBe(401)
      expect(await answer.json()).toEqual({ error: 'This link was replaced; ask the facilitator for the new one.' })
    }
    expect((await api(`/api/boards/${board.id}/people/me`, member.personToken)).status).toBe(401)
    expect((await api(`/api/boards/${board.id}/people`, board.tokens.member, { method: 'POST' })).status).toBe(401)

    // The new link opens the board; a personal token minted through it works.
    expect(await (await api(`/api/boards/${board.id}`, newToken)).json()).toMatchObject({ role: 'member' })
    const fresh = await personalToken(board, newToken)
    const onNewLink = client(board.id, fresh.personToken)
    await waitForSync(onNewLink)

    // The observer and the facilitator were never disconnected, and still hear edits (a sentinel from a legitimate writer).
    facilitatorCanvas.doc.getMap('shapes').set('shape:after-rotation', { x: 1 })
    await waitFor(() => observerCanvas.doc.getMap('shapes').has('shape:after-rotation') && onNewLink.doc.getMap('shapes').has('shape:after-rotation'))
    expect(observerCanvas.closeCodes).toEqual([])
    expect(facilitatorCanvas.closeCodes).toEqual([])
    expect(onOldLink.provider.wsconnected).toBe(false)
  })

  test('rotating again replaces the link before it; the facilitator link can be replaced too, and the old one can then rotate nothing', async () => {
    const board = await createBoard(server.url)
    const first = tokenOf((await (await rotate(board, 'observer', board.tokens.facilitator)).json()).link)
    const second = tokenOf((await (await rotate(board, 'observer', board.tokens.facilitator)).json()).link)
    expect((await api(`/api/boards/${board.id}`, first)).status).toBe(401)
    expect((await api(`/api/boards/${board.id}`, second)).status).toBe(200)
    const facilitator = tokenOf((await (await rotate(board, 'facilitator', board.tokens.facilitator)).json()).link)
    expect((await rotate(board, 'member', board.tokens.facilitator)).status).toBe(401)
    expect((await rotate(board, 'member', facilitator)).status).toBe(200)
  })

  test('only a facilitator rotates: members, observers and their personal tokens get 403, bad tokens 401, bad input 400/404, and nothing changes', async () => {
    const board = await createBoard(server.url)
    const other = await createBoard(server.url)
    const memberPerson = await personalToken(board, board.tokens.member)
    for (const token of [board.tokens.member, board.tokens.observer, memberPerson.personToken]) {
      const answer = await rotate(board, 'member', token)
      expect(answer.status).toBe(403)
      expect(await answer.json()).toEqual({ error: 'Only facilitators replace a board link.' })
    }
    expect((await rotate(board, 'member', other.tokens.facilitator)).status).toBe(401)
    expect((await rotate(board, 'member', 'not-a-token')).status).toBe(401)
    expect((await rotate(board, 'member', '')).status).toBe(401)
    for (const body of [{ expiresInDays: 0 }, { expiresInDays: 1.5 }, { expiresInDays: 400 }, { expiresInDays: '7' }, { other: 1 }, [1]]) {
      expect((await rotate(board, 'member', board.tokens.facilitator, body)).status).toBe(400)
    }
    expect((await api(`/api/boards/${board.id}/links/owner/rotate`, board.tokens.facilitator, { method: 'POST' })).status).toBe(404)
    expect((await api(`/api/boards/${board.id}/links/member/rotate`, board.tokens.facilitator)).status).toBe(405)
    // After all that, the original member link still works.
    expect((await api(`/api/boards/${board.id}`, board.tokens.member)).status).toBe(200)
    expect((await api(`/api/boards/${board.id}/links`, board.tokens.member)).status).toBe(403)
  })

  test('a link replaced with an expiry carries it, and so does every personal token minted through it', async () => {
    const board = await createBoard(server.url)
    const before = Date.now()
    const answer = (await (await rotate(board, 'observer', board.tokens.facilitator, { expiresInDays: 7 })).json()) as { link: string; expiresAt: number }
    const week = 7 * 24 * 60 * 60 * 1000
    expect(answer.expiresAt).toBeGreaterThanOrEqual(before + week - 1000)
    expect(answer.expiresAt).toBeLessThanOrEqual(Date.now() + week + 1000)
    const exp = decodeJwt(tokenOf(answer.link)).exp
    expect(Math.abs((exp ?? 0) * 1000 - answer.expiresAt)).toBeLessThan(2000)
    const person = await personalToken(board, tokenOf(answer.link))
    expect(decodeJwt(person.personToken).exp).toBe(exp)
    // GET /links signs the current links again, the expiry with them.
    const links = (await (await api(`/api/boards/${board.id}/links`, board.tokens.facilitator)).json()) as Record<
      BoardRole,
      { link: string; expiresAt: number | null }
    >
    expect(links.observer.expiresAt).toBe(exp! * 1000)
    expect(decodeJwt(tokenOf(links.observer.link)).exp).toBe(exp)
    expect(links.member.expiresAt).toBeNull()
    expect((await api(`/api/boards/${board.id}`, tokenOf(links.member.link))).status).toBe(200)
    expect((await api(`/api/boards/${board.id}`, tokenOf(links.observer.link))).status).toBe(200)
  })

  test('connections racing the rotation do not survive it', async () => {
    const board = await createBoard(server.url)
    const racers: RawClient[] = []
    const rotation = (async () => {
      await new Promise((resolveTurn) => setTimeout(resolveTurn, 5))
      return rotate(board, 'member', board.tokens.facilitator)
    })()
    for (let i = 0; i < 40; i++) {
      racers.push(raw(i % 2 ? board.id : controlDocName(board.id), board.tokens.member))
      if (i % 8 === 0) await new Promise((resolveTurn) => setImmediate(resolveTurn))
    }
    expect((await rotation).status).toBe(200)
    const outcomes = await Promise.all(racers.map((racer) => closedWithin(racer, 10_000)))
    expect(outcomes.every((outcome) => outcome.code === CloseCode.linkReplaced)).toBe(true)
  })
})

function rowsOf(boardId: string): Record<string, number> {
  const db = new Database(join(server.dataDir, 'think-together.sqlite'), { readonly: true })
  const byDoc = 'WHERE doc = ? OR substr(doc, 1, ?) = ?'
  const counts: Record<string, number> = {}
  for (const table of ['document_updates', 'document_snapshots', 'documents']) {
    counts[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${byDoc}`).get(boardId, boardId.length + 1, `${boardId}.`) as { n: number }).n
  }
  for (const table of ['anonymous_cards', 'vote_rounds', 'ballots', 'people', 'assets', 'link_versions']) {
    counts[table] = (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE board_id = ?`).get(boardId) as { n: number }).n
  }
  counts.boards = (db.prepare('SELECT COUNT(*) AS n FROM boards WHERE id = ?').get(boardId) as { n: number }).n
  db.close()
  return counts
}

describe('deleting a board', () => {
  test('the title to type is the one the board shows now, after a facilitator renamed it (or the one it was created with)', async () => {
    const board = await createBoard(server.url, 'First title')
    const control = client(controlDocName(board.id), board.tokens.facilitator)
    const reader = client(controlDocName(board.id), board.tokens.observer)
    await Promise.all([control, reader].map((c) => waitForSync(c)))
    const title = control.doc.getMap(BOARD_MAP).get(BOARD_TITLE_KEY) as Y.Text
    title.delete(0, title.length)
    title.insert(0, 'Renamed on the board')
    await waitFor(() => String(reader.doc.getMap(BOARD_MAP).get(BOARD_TITLE_KEY)) === 'Renamed on the board', 5000, 'the rename reached the server')
    expect((await api(`/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Renamed on the' } })).status).toBe(400)
    expect((await api(`/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Renamed on the board' } })).status).toBe(
      204,
    )
    const second = await createBoard(server.url, 'Kept as created')
    expect((await api(`/api/boards/${second.id}`, second.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Kept as created' } })).status).toBe(204)
  })

  test('after its title is typed: connections closed with 4410, every row gone, links answer 404 and 4404; other boards carry on', async () => {
    const board = await createBoard(server.url, 'Ward handovers')
    const other = await createBoard(server.url, 'Another board')
    const person = await personalToken(board, board.tokens.member)
    const canvas = client(board.id, person.personToken)
    const drafts = client(draftsDocName(board.id, person.personId), person.personToken)
    const otherCanvas = client(other.id, other.tokens.member)
    const otherWriter = client(other.id, other.tokens.facilitator)
    await Promise.all([canvas, drafts, otherCanvas, otherWriter].map((c) => waitForSync(c)))
    canvas.doc.getMap('shapes').set('shape:x', { x: 1 })
    drafts.doc.getMap('drafts').set('d', { text: 'mine' })
    const png = Buffer.from('89504e470d0a1a0a', 'hex')
    expect(
      (
        await fetch(`${server.url}/api/boards/${board.id}/assets`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${board.tokens.member}`, 'Content-Type': 'image/png' },
          body: png,
        })
      ).status,
    ).toBe(201)
    expect((await rotate(board, 'observer', board.tokens.facilitator)).status).toBe(200)
    await waitFor(() => rowsOf(board.id).document_updates >= 3, 5000, 'edits stored')
    expect(rowsOf(board.id)).toMatchObject({ boards: 1, people: 1, assets: 1, link_versions: 1 })

    // Refused: a member, a wrong title, no body; nothing is lost.
    expect((await api(`/api/boards/${board.id}`, board.tokens.member, { method: 'DELETE', body: { confirmTitle: 'Ward handovers' } })).status).toBe(403)
    expect((await api(`/api/boards/${board.id}`, person.personToken, { method: 'DELETE', body: { confirmTitle: 'Ward handovers' } })).status).toBe(403)
    const wrong = await api(`/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Ward handover' } })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toEqual({ error: 'The title does not match; the board was not deleted.' })
    // No body is no JSON body: 415, as every JSON route answers.
    expect((await api(`/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE' })).status).toBe(415)
    expect((await api(`/api/boards/${board.id}`, other.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Ward handovers' } })).status).toBe(401)
    expect(rowsOf(board.id).boards).toBe(1)
    expect(canvas.closeCodes).toEqual([])

    const deleted = await api(`/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: '  Ward handovers ' } })
    expect(deleted.status).toBe(204)
    await waitFor(() => canvas.closeCodes.includes(CloseCode.boardDeleted) && drafts.closeCodes.includes(CloseCode.boardDeleted), 5000, 'connections closed')
    expect(rowsOf(board.id)).toEqual({
      document_updates: 0,
      document_snapshots: 0,
      documents: 0,
      anonymous_cards: 0,
      vote_rounds: 0,
      ballots: 0,
      people: 0,
      assets: 0,
      link_versions: 0,
      boards: 0,
    })
    for (const token of [board.tokens.facilitator, board.tokens.member, person.personToken]) {
      expect((await api(`/api/boards/${board.id}`, token)).status).toBe(404)
      expect(await closedWithin(raw(board.id, token))).toMatchObject({ code: CloseCode.boardNotFound })
    }
    expect((await api(`/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Ward handovers' } })).status).toBe(404)

    // The other board never noticed.
    otherWriter.doc.getMap('shapes').set('shape:still-here', { x: 2 })
    await waitFor(() => otherCanvas.doc.getMap('shapes').has('shape:still-here'))
    expect(otherCanvas.closeCodes).toEqual([])
    expect(rowsOf(other.id).boards).toBe(1)
  })
})

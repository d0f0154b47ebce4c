/**
 * Replacing a link and deleting a board across instances: two real server processes on one
 * PostgreSQL schema and one Redis (a private redis-server). A rotation through A closes what the
 * old link opened on B at once, and B refuses the old link and its personal tokens from then on,
 * racing connections included; a deletion through A closes B's connections, and every row of the
 * board is gone from PostgreSQL, what B stored just before it heard of the deletion included.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { randomBytes } from 'node:crypto'
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { CloseCode } from '../../shared/protocol/messages'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { closedWithin, createRawClient, type RawClient } from '../helpers/rawSocket'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis'
import { createTestSchema, findPostgres, type TestSchema } from '../helpers/pgSchema'

const available = await findPostgres()

describe.runIf(available)('links and deletion across two instances on PostgreSQL and Redis', () => {
  let schema: TestSchema
  let redis: PrivateRedis
  let a: ServerProcess
  let b: ServerProcess
  const clients: TestClient[] = []
  const raws: RawClient[] = []
  const secret = randomBytes(32).toString('base64url')

  beforeAll(async () => {
    schema = await createTestSchema()
    redis = await startPrivateRedis()
    const env = { DATABASE_URL: schema.url, REDIS_URL: redis.url, TOKEN_SECRET: secret }
    ;[a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })])
  }, 120_000)

  afterAll(async () => {
    for (const client of clients) client.destroy()
    for (const raw of raws) raw.close()
    for (const server of [a, b]) {
      if (!server) continue
      await server.stop().catch(() => {})
      removeDataDir(server.dataDir)
    }
    await redis?.stop()
    await schema?.drop()
  })

  const client = (server: ServerProcess, docName: string, token: string) => {
    const created = connectClient(server.wsUrl, docName, token)
    clients.push(created)
    return created
  }
  const raw = (server: ServerProcess, docName: string, token: string) => {
    const created = createRawClient(`${server.wsUrl}/${docName}?token=${encodeURIComponent(token)}`)
    raws.push(created)
    return created
  }
  const api = (server: ServerProcess, path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })

  async function rowsOf(boardId: string): Promise<number> {
    const [row] = await schema.query<{ n: string }>(
      `SELECT
         (SELECT COUNT(*) FROM document_updates WHERE doc = $1 OR left(doc, length($1) + 1) = $1 || '.') +
         (SELECT COUNT(*) FROM document_snapshots WHERE doc = $1 OR left(doc, length($1) + 1) = $1 || '.') +
         (SELECT COUNT(*) FROM documents WHERE doc = $1 OR left(doc, length($1) + 1) = $1 || '.') +
         (SELECT COUNT(*) FROM people WHERE board_id = $1) + (SELECT COUNT(*) FROM assets WHERE board_id = $1) +
         (SELECT COUNT(*) FROM vote_rounds WHERE board_id = $1) + (SELECT COUNT(*) FROM ballots WHERE board_id = $1) +
         (SELECT COUNT(*) FROM anonymous_cards WHERE board_id = $1) + (SELECT COUNT(*) FROM link_versions WHERE board_id = $1) +
         (SELECT COUNT(*) FROM boards WHERE id = $1) AS n`,
      [boardId],
    )
    return Number(row.n)
  }

  test('a rotation through A closes the old link’s connections on B at once, and B refuses the old link and its personal tokens', async () => {
    const board = await createBoard(a.url)
    const minted = await api(b, `/api/boards/${board.id}/people`, board.tokens.member, { method: 'POST' })
    const person = (await minted.json()) as { personId: string; personToken: string }
    const onB = client(b, board.id, board.tokens.member)
    const draftsOnB = client(b, draftsDocName(board.id, person.personId), person.personToken)
    const observerOnB = client(b, board.id, board.tokens.observer)
    const writerOnA = client(a, board.id, board.tokens.facilitator)
    await Promise.all([onB, draftsOnB, observerOnB, writerOnA].map((c) => waitForSync(c)))

    const started = performance.now()
    const rotated = await api(a, `/api/boards/${board.id}/links/member/rotate`, board.tokens.facilitator, { method: 'POST' })
    expect(rotated.status).toBe(200)
    await waitFor(() => onB.closeCodes.includes(CloseCode.linkReplaced) && draftsOnB.closeCodes.includes(CloseCode.linkReplaced), 5000, 'B closes')
    const closedAfterMs = performance.now() - started
    console.log(`link rotated through A: B closed the old link's connections ${closedAfterMs.toFixed(0)} ms after the request was sent`)

    expect((await api(b, `/api/boards/${board.id}`, board.tokens.member)).status).toBe(401)
    expect((await api(b, `/api/boards/${board.id}/people/me`, person.personToken)).status).toBe(401)
    expect(await closedWithin(raw(b, controlDocName(board.id), board.tokens.member))).toMatchObject({ code: CloseCode.linkReplaced })
    const { link } = (await rotated.json()) as { link: string }
    expect((await api(b, `/api/boards/${board.id}`, new URL(link).hash.replace('#token=', ''))).status).toBe(200)

    // The observer on B stays, and still hears A's edits.
    writerOnA.doc.getMap('shapes').set('shape:after', { x: 1 })
    await waitFor(() => observerOnB.doc.getMap('shapes').has('shape:after'), 10_000, 'the observer hears A')
    expect(observerOnB.closeCodes).toEqual([])
  })

  test('connections to B racing a rotation through A do not survive it', async () => {
    const board = await createBoard(a.url)
    const racers: RawClient[] = []
    const rotation = api(a, `/api/boards/${board.id}/links/observer/rotate`, board.tokens.facilitator, { method: 'POST' })
    for (let i = 0; i < 30; i++) {
      racers.push(raw(b, i % 2 ? board.id : controlDocName(board.id), board.tokens.observer))
      await new Promise((resolveTurn) => setTimeout(resolveTurn, 2))
    }
    expect((await rotation).status).toBe(200)
    const outcomes = await Promise.all(racers.map((racer) => closedWithin(racer, 10_000)))
    expect(outcomes.map((outcome) => outcome.code)).toEqual(racers.map(() => CloseCode.linkReplaced))
  })

  test('a deletion through A closes B’s connections, and no row of the board is left, what B stored last included', async () => {
    const board = await createBoard(a.url, 'Shared board')
    const other = await createBoard(a.url, 'Other board')
    const onB = client(b, board.id, board.tokens.member)
    const onA = client(a, board.id, board.tokens.member)
    const otherOnB = client(b, other.id, other.tokens.member)
    await Promise.all([onB, onA, otherOnB].map((c) => waitForSync(c)))
    onB.doc.getMap('shapes').set('shape:b', { x: 1 })
    await waitFor(() => onA.doc.getMap('shapes').has('shape:b'), 10_000, 'B’s edit stored and relayed')
    expect(await rowsOf(board.id)).toBeGreaterThan(0)

    expect((await api(a, `/api/boards/${board.id}`, board.tokens.facilitator, { method: 'DELETE', body: { confirmTitle: 'Shared board' } })).status).toBe(204)
    await waitFor(() => onB.closeCodes.includes(CloseCode.boardDeleted) && onA.closeCodes.includes(CloseCode.boardDeleted), 5000, 'both instances close')
    // B stores what it held of the board when it unloads it, then deletes the board's rows once more.
    const deletedOn = (server: ServerProcess) => server.logs.some((entry) => entry.msg === 'board deleted' && entry.boardId === board.id)
    await waitFor(() => deletedOn(a) && deletedOn(b), 10_000, 'both instances deleted the board')
    expect(await rowsOf(board.id)).toBe(0)
    expect((await api(b, `/api/boards/${board.id}`, board.tokens.member)).status).toBe(404)
    expect(await closedWithin(raw(b, board.id, board.tokens.member))).toMatchObject({ code: CloseCode.boardNotFound })

    // The other board on B never noticed.
    const writer = client(a, other.id, other.tokens.facilitator)
    await waitForSync(writer)
    writer.doc.getMap('shapes').set('shape:sentinel', { x: 1 })
    await waitFor(() => otherOnB.doc.getMap('shapes').has('shape:sentinel'), 10_000, 'the other board carries on')
    expect(otherOnB.closeCodes).toEqual([])
    expect(await rowsOf(other.id)).toBeGreaterThan(0)
  })
})

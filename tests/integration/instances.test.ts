/**
 * Several instances as one service, end to end: three real server processes on one PostgreSQL
 * schema and one Redis (a private redis-server), two of them behind Debian's nginx configured with
 * deploy/nginx.conf (no sticky sessions), with stock y-websocket clients. Edits, presence, the
 * board lock, a reveal and a vote cross instances; a board created through one opens through
 * another; Redis going away and coming back; kill -9 of one instance loses nothing acknowledged,
 * and its clients move to the other through nginx.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { controlDocName, draftsDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP, setBoardLocked } from '../../shared/board/facilitation'
import { createDraft, listDrafts, openThinkAloneRound, readThinkAloneRound } from '../../shared/board/drafts'
import { listCards } from '../../shared/board/boardModel'
import { listVoteRounds } from '../../shared/board/voting'
import { connectClient, createBoard, waitFor, waitForSync, type TestClient } from '../helpers/boardClient'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis'
import { createTestSchema, findPostgres, type TestSchema } from '../helpers/pgSchema'

const ROOT = resolve(import.meta.dirname, '..', '..')
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => spawnSync(path, ['-v']).status === 0)
const available = (await findPostgres()) && (NGINX !== undefined || process.env.CI === 'true')
if (!NGINX && process.env.CI === 'true') throw new Error('CI=true but nginx is missing (apt-get install -y nginx)')
if (!available) console.warn('PostgreSQL or nginx missing: the several-instances tests are SKIPPED')

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolvePort(port))
    })
  })
}

/** Debian's nginx with the repository's config, on ports of the test's own. */
async function startNginx(listen: number, upstreams: number[]): Promise<{ url: string; wsUrl: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'think-together-nginx-'))
  const config = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8')
    .replaceAll('/tmp/think-together-nginx', join(dir, 'nginx'))
    .replace('127.0.0.1:8081', `127.0.0.1:${upstreams[0]}`)
    .replace('127.0.0.1:8082', `127.0.0.1:${upstreams[1]}`)
    .replace('listen 127.0.0.1:8080', `listen 127.0.0.1:${listen}`)
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;\n${config}`)
  const child: ChildProcess = spawn(NGINX!, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk) => (stderr += chunk))
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`)
    const answer = await fetch(`http://127.0.0.1:${listen}/healthz`).then(
      (response) => response.status,
      () => 0,
    )
    if (answer === 200) break
    if (Date.now() - started > 10_000) throw new Error(`nginx did not answer: ${stderr}`)
    await new Promise((resolveWait) => setTimeout(resolveWait, 50))
  }
  return {
    url: `http://127.0.0.1:${listen}`,
    wsUrl: `ws://127.0.0.1:${listen}/sync`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
describe.runIf(available)('three instances on one PostgreSQL and one Redis, two of them behind nginx', () => {
  let schema: TestSchema
  let redis: PrivateRedis
  const servers: ServerProcess[] = []
  let nginx: Awaited<ReturnType<typeof startNginx>>
  const clients: TestClient[] = []
  const secret = randomBytes(32).toString('base64url')

  const startInstance = async (port?: number) =>
    startServerProcess({ port, env: { DATABASE_URL: schema.url, REDIS_URL: redis.url, TOKEN_SECRET: secret, TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'info' } })

  beforeAll(async () => {
    schema = await createTestSchema()
    redis = await startPrivateRedis()
    servers.push(await startInstance(), await startInstance(), await startInstance())
    nginx = await startNginx(
      await freePort(),
      servers.slice(0, 2).map((server) => server.port),
    )
  }, 60_000)

  afterAll(async () => {
    for (const client of clients) client.destroy()
    await nginx?.stop()
    for (const server of servers) {
      await server.stop('SIGKILL').catch(() => {})
      removeDataDir(server.dataDir)
    }
    await redis?.stop()
    await schema?.drop()
  })

  const client = (wsUrl: string, docName: string, token: string) => {
    const created = connectClient(wsUrl, docName, token)
    clients.push(created)
    return created
  }

  test('a board created through one instance opens through the other; edits, presence and the lock cross', async () => {
    const board = await createBoard(servers[0].url)
    const onA = client(servers[0].wsUrl, board.id, board.tokens.member)
    const onB = client(servers[1].wsUrl, board.id, board.tokens.member)
    const control = client(servers[0].wsUrl, controlDocName(board.id), board.tokens.facilitator)
    const readerOnB = client(servers[1].wsUrl, controlDocName(board.id), board.tokens.observer)
    await Promise.all([onA, onB, control, readerOnB].map((c) => waitForSync(c)))
    onA.doc.getMap('shapes').set('shape:a', { x: 1 })
    onB.doc.getMap('shapes').set('shape:b', { x: 2 })
    await waitFor(() => onB.doc.getMap('shapes').has('shape:a') && onA.doc.getMap('shapes').has('shape:b'), 10_000, 'edits across instances')
    onA.provider.awareness.setLocalStateField('presence', { cursor: { x: 3, y: 4 } })
    await waitFor(() => onB.provider.awareness.getStates().has(onA.doc.clientID), 10_000, 'presence across instances')

    setBoardLocked(control.doc, true)
    await waitFor(() => readerOnB.doc.getMap(FACILITATION_MAP).get('locked') === true, 10_000, 'the lock reaches B')
    onB.doc.getMap('shapes').set('shape:held', { x: 5 })
    await waitFor(() => onB.denials.includes('the board is locked'), 10_000, 'B refuses while locked')
    setBoardLocked(control.doc, false)
    await waitFor(() => onA.doc.getMap('shapes').has('shape:held'), 10_000, 'held change after unlock, across instances')
  }, 60_000)

  test('a reveal and a vote through a third instance reach members on the other two, live', async () => {
    const board = await createBoard(servers[2].url)
    const person = async (name: string) => {
      const issued = (await (
        await fetch(`${servers[0].url}/api/boards/${board.id}/people`, { method: 'POST', headers: { Authorization: `Bearer ${board.tokens.member}` } })
      ).json()) as { personId: string; personToken: string }
      await fetch(`${servers[1].url}/api/boards/${board.id}/people/me`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${issued.personToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, color: '#39B178', practice: '' }),
      })
      return issued
    }
    const ada = await person('Ada')
    const control = client(servers[0].wsUrl, controlDocName(board.id), board.tokens.facilitator)
    const drafts = client(servers[0].wsUrl, draftsDocName(board.id, ada.personId), ada.personToken)
    const canvasOnB = client(servers[1].wsUrl, board.id, board.tokens.member)
    const controlOnB = client(servers[1].wsUrl, controlDocName(board.id), board.tokens.member)
    await Promise.all([control, drafts, canvasOnB, controlOnB].map((c) => waitForSync(c)))
    openThinkAloneRound(control.doc, 'round-1', Date.now())
    await waitFor(() => readThinkAloneRound(controlOnB.doc)?.roundId === 'round-1', 10_000, 'the round reaches B')
    createDraft(drafts.doc, {
      id: 'draft-1',
      roundId: 'round-1',
      kind: 'idea',
      text: 'Handovers at the bedside',
      anonymous: false,
      author: { id: ada.personId, name: 'Ada', color: '#39B178' },
      now: Date.now(),
      parentId: 'page:page',
      x: 0,
      y: 0,
      w: 240,
      h: 160,
    })
    const reveal = async () =>
      (
        await fetch(`${servers[2].url}/api/boards/${board.id}/reveal`, { method: 'POST', headers: { Authorization: `Bearer ${board.tokens.facilitator}` } })
      ).json() as Promise<{ revealed: number }>
    // The draft was written on A; once stored (another instance has it), the facilitator reveals
    // through C and the member on B sees the card.
    const draftsOnB = client(servers[1].wsUrl, draftsDocName(board.id, ada.personId), ada.personToken)
    await waitFor(() => listDrafts(draftsOnB.doc).length === 1, 10_000, 'the draft stored')
    expect((await reveal()).revealed).toBe(1)
    await waitFor(() => listCards(canvasOnB.doc).some((card) => card.text === 'Handovers at the bedside'), 10_000, 'the revealed card on B')
    const cardId = listCards(canvasOnB.doc)[0].id

    const opened = await fetch(`${servers[2].url}/api/boards/${board.id}/rounds`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardIds: [cardId], budget: 3, anonymous: false }),
    })
    const { roundId } = (await opened.json()) as { roundId: string }
    const ballot = await fetch(`${servers[0].url}/api/boards/${board.id}/rounds/${roundId}/ballot`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ada.personToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dots: { [cardId]: 3 } }),
    })
    expect(ballot.status).toBe(200)
    expect(
      (
        await fetch(`${servers[1].url}/api/boards/${board.id}/rounds/${roundId}/close`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${board.tokens.facilitator}` },
        })
      ).status,
    ).toBe(200)
    await waitFor(() => listVoteRounds(controlOnB.doc).some((round) => round.roundId === roundId && round.status === 'closed'), 10_000, 'results on B')
    expect(listVoteRounds(controlOnB.doc).find((round) => round.roundId === roundId)!.results![0]).toMatchObject({
      cardId,
      dots: 3,
      voters: [{ name: 'Ada', dots: 3 }],
    })
  }, 60_000)

  test('Redis goes away: each instance serves its own members; when it is back, members on different instances converge', async () => {
    const board = await createBoard(servers[0].url)
    const onA = client(servers[0].wsUrl, board.id, board.tokens.member)
    const onB = client(servers[1].wsUrl, board.id, board.tokens.member)
    await Promise.all([onA, onB].map((c) => waitForSync(c)))
    await redis.stop()
    await waitFor(() => servers.every((server) => server.logs.some((line) => /redis went away/.test(String(line.msg)))), 15_000, 'every instance notices')
    onA.doc.getMap('shapes').set('shape:a-alone', { x: 1 })
    onB.doc.getMap('shapes').set('shape:b-alone', { x: 2 })
    const secondOnA = client(servers[0].wsUrl, board.id, board.tokens.observer)
    await waitFor(() => secondOnA.doc.getMap('shapes').has('shape:a-alone'), 10_000, 'A serves its own meanwhile')
    expect((await fetch(`${servers[0].url}/readyz`)).status).toBe(503)
    await redis.start()
    await waitFor(() => onA.doc.getMap('shapes').has('shape:b-alone') && onB.doc.getMap('shapes').has('shape:a-alone'), 30_000, 'converged after Redis is back')
  }, 60_000)

  test('kill -9 of one instance loses nothing acknowledged: its clients reconnect through nginx to the other and converge', async () => {
    const board = await createBoard(nginx.url)
    const writers = Array.from({ length: 4 }, () => client(nginx.wsUrl, board.id, board.tokens.member))
    const witness = client(servers[1].wsUrl, board.id, board.tokens.observer)
    await Promise.all([...writers, witness].map((c) => waitForSync(c)))
    for (let i = 0; i < 40; i++) writers[i % writers.length].doc.getMap('shapes').set(`shape:${i}`, { x: i })
    // Acknowledged: another client has them.
    await waitFor(() => witness.doc.getMap('shapes').size === 40, 10_000, 'first edits seen')
    await servers[0].stop('SIGKILL')
    for (let i = 40; i < 60; i++) writers[i % writers.length].doc.getMap('shapes').set(`shape:${i}`, { x: i })
    await waitFor(
      () => writers.every((w) => w.doc.getMap('shapes').size === 60) && witness.doc.getMap('shapes').size === 60,
      30_000,
      'converged on the surviving instance',
    )
    const fresh = client(nginx.wsUrl, board.id, board.tokens.observer)
    await waitForSync(fresh)
    expect(fresh.doc.getMap('shapes').size).toBe(60)
    servers[0] = await startInstance(servers[0].port)
  }, 90_000)
})

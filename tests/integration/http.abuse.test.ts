/**
 * Abuse limits on the HTTP API, against the real server process: per-address rate limits on
 * every /api route (429 with Retry-After), tighter budgets for board creation and uploads, the
 * same limits behind a forwarding proxy with TRUST_PROXY, JSON routes refusing anything but
 * application/json (no cross-site form posts), and BOARD_CREATION_TOKEN.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { createBoard, type CreatedBoard } from '../helpers/boardClient'
import { startForwardingProxy, type ForwardingProxy } from '../helpers/forwardingProxy'
import { httpCall, type HttpAnswer } from '../helpers/httpCall'
import { removeDataDir, startServerProcess, type ServerProcess } from '../helpers/serverProcess'

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ff3f0300050001fe5a8e8b0000000049454e44ae426082',
  'hex',
)
const BOARD_BODY = JSON.stringify({ title: 'A board', problem: 'A problem' })

function boardCount(server: ServerProcess): number {
  const db = new Database(join(server.dataDir, 'think-together.sqlite'), { readonly: true })
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM boards').get() as { n: number }
  db.close()
  return n
}

function createFrom(baseUrl: string, localAddress?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return httpCall(`${baseUrl}/api/boards`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: BOARD_BODY,
    localAddress,
  })
}

function expectTooMany(answer: HttpAnswer, says: RegExp): void {
  expect(answer.status).toBe(429)
  expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  expect(answer.headers['content-type']).toMatch(/^application\/json/)
  expect((answer.json() as { error: string }).error).toMatch(says)
}

const started: ServerProcess[] = []
const proxies: ForwardingProxy[] = []
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ env: { LOG_LEVEL: 'warn', ...env } })
  started.push(server)
  return server
}
afterAll(async () => {
  for (const proxy of proxies) await proxy.close()
  for (const server of started) {
    await server.stop()
    removeDataDir(server.dataDir)
  }
})

describe('with the default limits', () => {
  test('a 150-person workshop behind one NAT address opens a board with nothing refused', async () => {
    const server = await start({})
    const board = await createBoard(server.url)
    const from = '127.0.0.2'
    const bearer = { Authorization: `Bearer ${board.tokens.member}` }
    // What opening a board costs one person: the link checked, settings, a personal token, the
    // asset cookie, five samples of the server clock.
    const openBoard = async (): Promise<number[]> => {
      const answers = [
        await httpCall(`${server.url}/api/boards/${board.id}`, { headers: bearer, localAddress: from }),
        await httpCall(`${server.url}/api/config`, { localAddress: from }),
        await httpCall(`${server.url}/api/boards/${board.id}/people`, { method: 'POST', headers: bearer, localAddress: from }),
        await httpCall(`${server.url}/api/boards/${board.id}/assets/access`, { method: 'POST', headers: bearer, localAddress: from }),
      ]
      for (let i = 0; i < 5; i++) answers.push(await httpCall(`${server.url}/api/time`, { localAddress: from }))
      return answers.map((answer) => answer.status)
    }
    const statuses: number[] = []
    const people = Array.from({ length: 150 }, (_, i) => i)
    for (let i = 0; i < people.length; i += 15) statuses.push(...(await Promise.all(people.slice(i, i + 15).map(openBoard))).flat())
    expect(statuses).toHaveLength(150 * 9)
    expect(statuses.filter((status) => status === 429)).toEqual([])
    expect(new Set(statuses)).toEqual(new Set([200, 201]))
  }, 180_000)
})

describe('board creation is limited per client address', () => {
  let server: ServerProcess
  beforeAll(async () => {
    server = await start({ BOARDS_PER_ADDRESS_PER_HOUR: '3' })
  })

  test('the fourth board in an hour from one address is a 429 with Retry-After; another address still creates', async () => {
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => createFrom(server.url, '127.0.0.2')))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 429, 429])
    expectTooMany(answers.find((a) => a.status === 429)!, /boards were created from this address/)
    // An hour refills 3: one comes back after about 20 minutes.
    expect(Number(answers.find((a) => a.status === 429)!.headers['retry-after'])).toBeGreaterThan(60)
    expect((await createFrom(server.url, '127.0.0.3')).status).toBe(201)
    expect(boardCount(server)).toBe(4)
  })
})

describe('every API route is limited per client address', () => {
  let server: ServerProcess
  let board: CreatedBoard
  beforeAll(async () => {
    server = await start({ API_REQUESTS_PER_ADDRESS_PER_MINUTE: '20', UPLOADS_PER_ADDRESS_PER_HOUR: '2' })
    board = await createBoard(server.url)
  })

  test('past the budget any /api route answers 429 (a read, a board, a join), while /healthz and other addresses are served', async () => {
    const from = '127.0.0.4'
    const answers: number[] = []
    for (let i = 0; i < 20; i++) answers.push((await httpCall(`${server.url}/api/time`, { localAddress: from })).status)
    expect(answers.every((status) => status === 200)).toBe(true)
    expectTooMany(await httpCall(`${server.url}/api/time`, { localAddress: from }), /Too many requests from this address/)
    expectTooMany(
      await httpCall(`${server.url}/api/boards/${board.id}`, { localAddress: from, headers: { Authorization: `Bearer ${board.tokens.member}` } }),
      /Too many requests/,
    )
    expectTooMany(
      await httpCall(`${server.url}/api/boards/${board.id}/people`, {
        method: 'POST',
        localAddress: from,
        headers: { Authorization: `Bearer ${board.tokens.member}` },
      }),
      /Too many requests/,
    )
    expectTooMany(await httpCall(`${server.url}/api/no-such-route`, { localAddress: from }), /Too many requests/)
    expect((await httpCall(`${server.url}/healthz`, { localAddress: from })).status).toBe(200)
    expect((await httpCall(`${server.url}/api/time`, { localAddress: '127.0.0.5' })).status).toBe(200)
  })

  test('uploads have a tighter budget of their own: the third file in an hour is a 429', async () => {
    const upload = (byte: number) =>
      httpCall(`${server.url}/api/boards/${board.id}/assets`, {
        method: 'POST',
        localAddress: '127.0.0.6',
        headers: { Authorization: `Bearer ${board.tokens.member}`, 'Content-Type': 'image/png' },
        body: Buffer.concat([PNG, Buffer.from([byte])]),
      })
    expect((await upload(1)).status).toBe(201)
    expect((await upload(2)).status).toBe(201)
    expectTooMany(await upload(3), /Too many files were uploaded from this address/)
    // Reading is still within the general budget.
    expect((await httpCall(`${server.url}/api/time`, { localAddress: '127.0.0.6' })).status).toBe(200)
  })
})

describe('behind a forwarding proxy with TRUST_PROXY', () => {
  let server: ServerProcess
  let proxy: ForwardingProxy
  beforeAll(async () => {
    server = await start({ TRUST_PROXY: '127.0.0.1', BOARDS_PER_ADDRESS_PER_HOUR: '2' })
    proxy = await startForwardingProxy(server.port)
    proxies.push(proxy)
  })

  test('each client address behind the proxy has its own budget, and a forged X-Forwarded-For buys none', async () => {
    expect((await createFrom(proxy.url, '127.0.0.7')).status).toBe(201)
    expect((await createFrom(proxy.url, '127.0.0.7')).status).toBe(201)
    expectTooMany(await createFrom(proxy.url, '127.0.0.7'), /boards were created/)
    // The proxy appends the real address; the forged one before it is not the client.
    expectTooMany(await createFrom(proxy.url, '127.0.0.7', { 'X-Forwarded-For': '203.0.113.9' }), /boards were created/)
    // Another machine behind the same proxy is not held back by the first one.
    expect((await createFrom(proxy.url, '127.0.0.8')).status).toBe(201)
  })

  test('without TRUST_PROXY the proxy is one address: everyone behind it shares its budget', async () => {
    const plain = await start({ BOARDS_PER_ADDRESS_PER_HOUR: '2' })
    const plainProxy = await startForwardingProxy(plain.port)
    proxies.push(plainProxy)
    expect((await createFrom(plainProxy.url, '127.0.0.7')).status).toBe(201)
    expect((await createFrom(plainProxy.url, '127.0.0.8')).status).toBe(201)
    expectTooMany(await createFrom(plainProxy.url, '127.0.0.9', { 'X-Forwarded-For': '203.0.113.10' }), /boards were created/)
  })
})

describe('JSON routes take application/json only', () => {
  let server: ServerProcess
  let board: CreatedBoard
  let personToken: string
  beforeAll(async () => {
    server = await start({})
    board = await createBoard(server.url)
    const minted = await httpCall(`${server.url}/api/boards/${board.id}/people`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}` },
    })
    personToken = (minted.json() as { personToken: string }).personToken
  })

  test.each([
    ['an HTML form (urlencoded)', 'application/x-www-form-urlencoded', 'title=A&problem=B'],
    ['an HTML form (multipart)', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nA\r\n--x--\r\n'],
    ['a text/plain form carrying JSON', 'text/plain', BOARD_BODY],
    ['no Content-Type at all', '', BOARD_BODY],
  ])('POST /api/boards with %s is a 415 and makes no board', async (_what, contentType, body) => {
    const before = boardCount(server)
    const answer = await httpCall(`${server.url}/api/boards`, { method: 'POST', headers: contentType ? { 'Content-Type': contentType } : {}, body })
    expect(answer.status).toBe(415)
    expect((answer.json() as { error: string }).error).toMatch(/Content-Type: application\/json/)
    expect(boardCount(server)).toBe(before)
  })

  test("a list of cards posted as text/plain from another site's page makes no board (403), from our own page it does", async () => {
    const before = boardCount(server)
    const post = (headers: Record<string, string>) =>
      httpCall(`${server.url}/api/boards/import?title=Cards&problem=From%20a%20form`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', ...headers },
        body: 'a card\n',
      })
    expect((await post({ Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    expect((await post({ Origin: 'null', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    expect(boardCount(server)).toBe(before)
    expect((await post({ Origin: server.url, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(201)
    expect(boardCount(server)).toBe(before + 1)
  })

  test('application/json with a charset is accepted', async () => {
    const answer = await httpCall(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: BOARD_BODY,
    })
    expect(answer.status).toBe(201)
  })

  test('every other JSON route answers 415 to a text/plain body and changes nothing', async () => {
    const auth = { Authorization: `Bearer ${personToken}`, 'Content-Type': 'text/plain' }
    const rename = await httpCall(`${server.url}/api/boards/${board.id}/people/me`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ name: 'Forged', color: '#e03131', practice: '' }),
    })
    expect(rename.status).toBe(415)
    const me = await httpCall(`${server.url}/api/boards/${board.id}/people/me`, { headers: { Authorization: `Bearer ${personToken}` } })
    expect((me.json() as { person: { name: string | null } }).person.name).not.toBe('Forged')
    const vote = await httpCall(`${server.url}/api/boards/${board.id}/rounds`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'x' }) })
    expect(vote.status).toBe(415)
    const anonymous = await httpCall(`${server.url}/api/boards/${board.id}/anonymous-cards`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ text: 'x' }),
    })
    expect(anonymous.status).toBe(415)
    const facilitatorText = { Authorization: `Bearer ${board.tokens.facilitator}`, 'Content-Type': 'text/plain' }
    const rotate = await httpCall(`${server.url}/api/boards/${board.id}/links/member/rotate`, {
      method: 'POST',
      headers: facilitatorText,
      body: JSON.stringify({ expiresInDays: 1 }),
    })
    expect(rotate.status).toBe(415)
    const remove = await httpCall(`${server.url}/api/boards/${board.id}`, {
      method: 'DELETE',
      headers: facilitatorText,
      body: JSON.stringify({ confirmTitle: 'A board' }),
    })
    expect(remove.status).toBe(415)
    // The member link still opens the board: neither went through.
    expect((await httpCall(`${server.url}/api/boards/${board.id}`, { headers: { Authorization: `Bearer ${board.tokens.member}` } })).status).toBe(200)
  })
})

describe('BOARD_CREATION_TOKEN', () => {
  const SECRET = 'only-our-people-create-boards'
  let server: ServerProcess
  beforeAll(async () => {
    server = await start({ BOARD_CREATION_TOKEN: SECRET })
  })

  test('GET /api/config tells the page that creating needs the secret', async () => {
    const config = (await httpCall(`${server.url}/api/config`)).json() as { boardCreationNeedsToken: boolean }
    expect(config.boardCreationNeedsToken).toBe(true)
  })

  test('without the secret, with a wrong one, or with it in the URL, no board is made (401)', async () => {
    const none = await createFrom(server.url)
    expect(none.status).toBe(401)
    expect((none.json() as { error: string }).error).toMatch(/creation secret/)
    expect((await createFrom(server.url, undefined, { Authorization: `Bearer ${SECRET}x` })).status).toBe(401)
    expect((await createFrom(server.url, undefined, { Authorization: `Bearer ${SECRET.slice(0, -1)}` })).status).toBe(401)
    const inUrl = await httpCall(`${server.url}/api/boards?token=${SECRET}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: BOARD_BODY,
    })
    expect(inUrl.status).toBe(401)
    expect(boardCount(server)).toBe(0)
  })

  test('with the secret as a bearer token a board is made', async () => {
    expect((await createFrom(server.url, undefined, { Authorization: `Bearer ${SECRET}` })).status).toBe(201)
    expect(boardCount(server)).toBe(1)
  })

  test('an import and a template need the secret too', async () => {
    const before = boardCount(server)
    const importList = (headers: Record<string, string>) =>
      httpCall(`${server.url}/api/boards/import?title=Imported&problem=A%20list`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', ...headers },
        body: 'first card\nsecond card\n',
      })
    expect((await importList({})).status).toBe(401)
    expect((await importList({ Authorization: 'Bearer wrong' })).status).toBe(401)
    const template = JSON.stringify({ title: 'From a template', problem: 'Why?', template: 'five-whys' })
    const fromTemplate = await httpCall(`${server.url}/api/boards`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: template })
    expect(fromTemplate.status).toBe(401)
    expect(boardCount(server)).toBe(before)
    expect((await importList({ Authorization: `Bearer ${SECRET}` })).status).toBe(201)
    expect(boardCount(server)).toBe(before + 1)
  })

  test('a server without it says so and lets anyone create', async () => {
    const open = await start({})
    expect(((await httpCall(`${open.url}/api/config`)).json() as { boardCreationNeedsToken: boolean }).boardCreationNeedsToken).toBe(false)
    expect((await createFrom(open.url)).status).toBe(201)
  })
})

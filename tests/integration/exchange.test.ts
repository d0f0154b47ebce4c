/**
 * Export, import and templates against the real server process (real SQLite on disk, stock
 * y-websocket clients): a live board with a named and an anonymous card exported by an observer
 * in every format and imported into a new board that exports the same again; a rich board file
 * (every part a file carries) imported and exported unchanged; templates; and import files an
 * adversary would send — bad JSON, 50 MB, another version, script in text, a million lines,
 * forged references — each refused with the problem and its line, with no board left behind.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { createCard, newCardId } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { conversationDocName, draftsDocName } from '../../shared/board/docNames'
import { addReply } from '../../shared/board/boardModel'
import { createDraft, listDrafts } from '../../shared/board/drafts'
import type { BoardFile } from '../../shared/exchange/boardFile'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync } from '../helpers/boardClient'
import { richBoardFile } from '../helpers/boardFileFixture'
import { benchBoard } from '../bench/exchange-figures'

const suite = useBoardServer()
const zoe = { id: 'person-zoe', name: 'Zoe Quietly', color: '#2f9e44' }

function boardCount(): number {
  const db = new Database(join(suite.server.dataDir, 'think-together.sqlite'), { readonly: true })
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM boards').get() as { n: number }
  db.close()
  return n
}

function exportOf(boardId: string, token: string | null, format: string) {
  return fetch(`${suite.server.url}/api/boards/${boardId}/export?format=${format}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
}

function importFile(body: string | Uint8Array<ArrayBuffer>, contentType = 'application/json', query = '') {
  return fetch(`${suite.server.url}/api/boards/import${query}`, { method: 'POST', headers: { 'Content-Type': contentType }, body })
}

/** The observer link of a board created by an import. */
async function imported(response: Response): Promise<{ id: string; observer: string }> {
  expect(response.status).toBe(201)
  const body = (await response.json()) as { id: string; links: Record<string, string> }
  expect(Object.keys(body.links).sort()).toEqual(['facilitator', 'member', 'observer'])
  return { id: body.id, observer: new URL(body.links.observer).hash.replace('#token=', '') }
}

const withoutTime = (file: BoardFile) => ({ ...file, exportedAt: 0 })

describe('a live board leaves and comes back', () => {
  test('an observer exports it in every format, the anonymous card has no author anywhere, and its import exports the same', async () => {
    const canvas = suite.client(suite.board.id, suite.board.tokens.member)
    const conversation = suite.client(conversationDocName(suite.board.id), suite.board.tokens.member)
    await Promise.all([waitForSync(canvas), waitForSync(conversation)])
    const named = newCardId()
    canvas.doc.transact(() => {
      createCard(canvas.doc, { id: named, kind: 'experience', text: 'Last winter the list was lost twice', author: zoe, anonymous: false, now: Date.now() })
      canvas.doc
        .getMap(TLDRAW_RECORDS_MAP)
        .set(
          `shape:${named.slice(5)}`,
          contributionShapeRecord({ id: `shape:${named.slice(5)}`, parentId: 'page:page', index: 'a1', x: 0, y: 0, w: 240, h: 160, cardId: named }),
        )
    })
    const posted = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/anonymous-cards`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${suite.board.tokens.member}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'concern',
        text: 'I am afraid to say the list is mine',
        shape: { id: 'shape:anonymous-one', parentId: 'page:page', index: 'a2', x: 300, y: 0, w: 240, h: 160 },
      }),
    })
    expect(posted.status).toBe(201)
    const { cardId: anonymousId } = (await posted.json()) as { cardId: string }
    addReply(conversation.doc, anonymousId, { author: { id: 'person-bea', name: 'Bea', color: '#1971c2' }, text: 'Thank you for saying it', now: Date.now() })

    // The export reads the live documents: it waits for nothing but the changes reaching the server.
    let file: BoardFile | null = null
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      const response = await exportOf(suite.board.id, suite.board.tokens.observer, 'json')
      expect(response.status).toBe(200)
      file = (await response.json()) as BoardFile
      if (file.canvas.cards.length === 2 && file.conversation.threads.length === 1) break
    }
    expect(file!.canvas.cards).toHaveLength(2)
    const anonymous = file!.canvas.cards.find((card) => card.id === anonymousId)!
    expect(anonymous).toMatchObject({ anonymous: true, author: null, lastEditor: null })
    expect(JSON.stringify(file).split('Zoe Quietly')).toHaveLength(2)

    const markdown = await (await exportOf(suite.board.id, suite.board.tokens.observer, 'md')).text()
    expect(markdown).toContain('**Experience** by Zoe Quietly: Last winter the list was lost twice')
    expect(markdown).toContain('**Concern** by anonymous: I am afraid to say the list is mine')
    const csvResponse = await exportOf(suite.board.id, suite.board.tokens.observer, 'csv')
    expect(csvResponse.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csvResponse.headers.get('content-disposition')).toMatch(/^attachment; filename="How-do-we-hand-over-patients-safely\.csv"$/)
    const csv = await csvResponse.text()
    expect(csv.split('\r\n').find((line) => line.startsWith(anonymousId))).toMatch(new RegExp(`^${anonymousId},concern,anonymous,I am afraid`))

    const copy = await imported(await importFile(JSON.stringify(file)))
    expect(copy.id).not.toBe(suite.board.id)
    const again = (await (await exportOf(copy.id, copy.observer, 'json')).json()) as BoardFile
    expect(withoutTime(again)).toEqual(withoutTime(file!))
  })

  test('the export asks for a board link: none, a forged one or another board’s is refused, a bad format too', async () => {
    expect((await exportOf(suite.board.id, null, 'md')).status).toBe(401)
    expect((await exportOf(suite.board.id, `${suite.board.tokens.observer.slice(0, -4)}AAAA`, 'md')).status).toBe(401)
    const other = await imported(await importFile(JSON.stringify(richBoardFile())))
    expect((await exportOf(suite.board.id, other.observer, 'md')).status).toBe(401)
    const badFormat = await exportOf(suite.board.id, suite.board.tokens.observer, 'html')
    expect(badFormat.status).toBe(400)
    expect(((await badFormat.json()) as { error: string }).error).toMatch(/format=md, json, csv, svg or png/)
  })
})

describe('pictures', () => {
  test('the SVG draws the cards and links with the fonts embedded, names no other host, and keeps text as text', async () => {
    const board = await imported(await importFile(JSON.stringify(richBoardFile())))
    const response = await exportOf(board.id, board.observer, 'svg')
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toMatch(/sandbox/)
    const svg = await response.text()
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect(svg.match(/src:url\(data:font\/woff2;base64,[A-Za-z0-9+/=]{10000,}\)/g)).toHaveLength(2)
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|url\((?!data:|#)/)
    expect(svg).not.toMatch(/<script|<b>/)
    expect(svg).toContain('>&lt;script&gt;alert(1)&lt;/script&gt;</tspan>')
    expect(svg).toContain('>anonymous</text>')
    expect(svg).not.toContain('Leak')
    expect(svg.match(/marker-end="url\(#arrowhead\)"/g)).toHaveLength(3)
  })

  test('the PNG is a picture of the whole board', async () => {
    const board = await imported(await importFile(JSON.stringify(richBoardFile())))
    const response = await exportOf(board.id, board.observer, 'png')
    expect(response.headers.get('content-type')).toBe('image/png')
    const png = Buffer.from(await response.arrayBuffer())
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    // The causal map's cards span 1,040 × 440 px of canvas; with the padding around them:
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1136, 536])
  })
})

describe('a big board’s picture', () => {
  test('while the PNG of 1,000 cards, 1,500 links and 3,000 replies renders, the server keeps answering', { timeout: 180_000 }, async () => {
    const board = await imported(await importFile(JSON.stringify(benchBoard())))
    // Loaded into the relay first, as a board people are on is: what is measured is the picture.
    expect((await exportOf(board.id, board.observer, 'csv')).status).toBe(200)
    let done = false
    const png = exportOf(board.id, board.observer, 'png').then(async (response) => {
      done = true
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) }
    })
    const answeredWhileRendering: number[] = []
    while (!done) {
      const started = performance.now()
      const health = await fetch(`${suite.server.url}/healthz`)
      expect(health.status).toBe(200)
      if (!done) answeredWhileRendering.push(performance.now() - started)
    }
    const { status, bytes } = await png
    expect(status).toBe(200)
    expect(Math.max(bytes.readUInt32BE(16), bytes.readUInt32BE(20))).toBe(4096)
    expect(answeredWhileRendering.length).toBeGreaterThan(3)
    // Generous for a loaded two-core machine: an event loop held by the render would be seconds.
    expect(Math.max(...answeredWhileRendering)).toBeLessThan(1500)
  })
})

describe('import', () => {
  test('while a board file of 1,000 cards, 1,500 links and 3,000 replies is read, the server keeps answering; two imports at once both make their board', {
    timeout: 180_000,
  }, async () => {
    const file = JSON.stringify(benchBoard())
    let done = false
    const both = Promise.all([importFile(file), importFile(file)]).then(async (responses) => {
      done = true
      return Promise.all(responses.map((response) => imported(response)))
    })
    const answeredWhileReading: number[] = []
    while (!done) {
      const started = performance.now()
      const health = await fetch(`${suite.server.url}/healthz`)
      expect(health.status).toBe(200)
      if (!done) answeredWhileReading.push(performance.now() - started)
    }
    const [first, second] = await both
    expect(first.id).not.toBe(second.id)
    expect(answeredWhileReading.length).toBeGreaterThan(3)
    // Generous for a loaded two-core machine. Read on the event loop, the few answers that got
    // through waited a second each (median 1.1 s, 5 answers here); read in the worker, a few ms.
    const sorted = [...answeredWhileReading].sort((a, b) => a - b)
    console.log(
      `[exchange] while two imports were read: ${sorted.length} health answers, median ${sorted[sorted.length >> 1].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`,
    )
    expect(sorted[sorted.length >> 1]).toBeLessThan(250)
    expect(sorted[sorted.length - 1]).toBeLessThan(1500)
    const exported = (await (await exportOf(second.id, second.observer, 'json')).json()) as BoardFile
    expect(exported.canvas.cards).toHaveLength(1000)
  })

  test('a board file with every part imports and exports unchanged, and stays unchanged on a second trip', async () => {
    const original = richBoardFile()
    const first = await imported(await importFile(JSON.stringify(original)))
    const exported = (await (await exportOf(first.id, first.observer, 'json')).json()) as BoardFile
    expect(exported.board).toEqual(original.board)
    expect(exported.canvas.cards).toEqual(original.canvas.cards)
    expect(exported.canvas.records).toHaveLength(original.canvas.records.length)
    expect(exported.session).toEqual(original.session)
    expect(exported.conversation.reactions).toEqual(original.conversation.reactions)
    expect(exported.conversation.tours).toEqual(original.conversation.tours)
    expect(exported.rounds).toEqual(original.rounds)
    expect(exported.members).toEqual(original.members)
    expect(exported.conversation.threads).toHaveLength(2)
    const second = await imported(await importFile(JSON.stringify(exported)))
    const exportedAgain = (await (await exportOf(second.id, second.observer, 'json')).json()) as BoardFile
    expect(withoutTime(exportedAgain)).toEqual(withoutTime(exported))
  })

  test('a vote opened on an imported board is numbered after the rounds the file brought', async () => {
    const response = await importFile(JSON.stringify(richBoardFile()))
    const { id, links } = (await response.json()) as { id: string; links: Record<string, string> }
    const facilitator = new URL(links.facilitator).hash.replace('#token=', '')
    const file = (await (await exportOf(id, facilitator, 'json')).json()) as BoardFile
    const opened = await fetch(`${suite.server.url}/api/boards/${id}/rounds`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${facilitator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardIds: [file.canvas.cards[0].id], budget: 2, anonymous: true }),
    })
    expect(opened.status).toBe(201)
    const { roundId } = (await opened.json()) as { roundId: string }
    const after = (await (await exportOf(id, facilitator, 'json')).json()) as BoardFile
    expect(after.rounds.map((round) => [round.number, round.status])).toEqual([
      [1, 'closed'],
      [2, 'closed'],
      [3, 'open'],
    ])
    expect(after.rounds[2]).toMatchObject({ roundId, title: 'Vote 3' })
  })

  test('plain text makes one card a line, in a grid where no card lies on another; CSV takes kind and author', async () => {
    const query = `?title=${encodeURIComponent('From a list')}&problem=${encodeURIComponent('What do we see?')}`
    const text = await imported(await importFile('First thought\n\n  Second thought  \r\nThird\nFourth\nFifth', 'text/plain', query))
    const file = (await (await exportOf(text.id, text.observer, 'json')).json()) as BoardFile
    expect(file.board).toEqual({ title: 'From a list', problem: 'What do we see?' })
    expect(file.canvas.cards.map((card) => card.text).sort()).toEqual(['Fifth', 'First thought', 'Fourth', 'Second thought', 'Third'])
    const boxes = file.canvas.records
      .filter((record) => record.type === 'contribution')
      .map((record) => ({ x: record.x as number, y: record.y as number, ...(record.props as { w: number; h: number }) }))
    expect(boxes).toHaveLength(5)
    for (const a of boxes) for (const b of boxes) if (a !== b) expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true)

    const csv = await imported(await importFile('text,kind,author\n"A question, with a comma",question,Ada\nAn idea,IDEA,\n', 'text/csv', query))
    const fromCsv = (await (await exportOf(csv.id, csv.observer, 'json')).json()) as BoardFile
    const byText = new Map(fromCsv.canvas.cards.map((card) => [card.text, card]))
    expect(byText.get('A question, with a comma')).toMatchObject({ kind: 'question', author: { name: 'Ada' } })
    expect(byText.get('An idea')).toMatchObject({ kind: 'idea', author: null })
  })

  test('script in text stays text: stored as written, escaped in Markdown', async () => {
    const query = `?title=${encodeURIComponent('<img src=x onerror=alert(1)>')}&problem=x`
    const board = await imported(await importFile('<script>alert("owned")</script>\n[link](javascript:alert(1))', 'text/plain', query))
    const file = (await (await exportOf(board.id, board.observer, 'json')).json()) as BoardFile
    expect(file.canvas.cards.map((card) => card.text).sort()).toEqual(['<script>alert("owned")</script>', '[link](javascript:alert(1))'])
    const markdown = await (await exportOf(board.id, board.observer, 'md')).text()
    expect(markdown).not.toMatch(/<script|<img/)
    // Brackets escaped: a Markdown renderer shows the words, and makes no link of them.
    expect(markdown).toContain('\\[link\\](javascript:alert(1))')
    expect(markdown).toContain('&lt;script&gt;alert("owned")&lt;/script&gt;')
  })
})

describe('hostile import files', () => {
  const refusals: Array<[string, () => Promise<Response>, number, RegExp]> = [
    ['broken JSON, with the line', () => importFile('{\n "format": "think-together.board",\n "version": 1,\n oops\n}'), 400, /^line 4: this is not valid JSON/],
    ['50 MB', () => importFile(new Uint8Array(50 * 1024 * 1024).fill(0x20)), 413, /too large: the limit is 16 MB/],
    [
      'another version',
      () => importFile(JSON.stringify({ ...richBoardFile(), version: 2 }, null, 1)),
      400,
      /^line 3: this board file is version 2; this server reads version 1 only/,
    ],
    ['not a board file', () => importFile('{"hello": "world"}'), 400, /not a Think Together board file/],
    ['a million lines of text', () => importFile('card\n'.repeat(1_000_000), 'text/plain', '?title=t&problem=p'), 413, /more than 2000 lines/],
    [
      'a CSV with a bad kind, with the line',
      () => importFile('text,kind\nfine,idea\nfine too,question\nbad,opinion\n', 'text/csv', '?title=t&problem=p'),
      400,
      /^line 4: "opinion" is not a kind/,
    ],
    ['a CSV without a text column', () => importFile('words\nhello\n', 'text/csv', '?title=t&problem=p'), 400, /^line 1: the CSV needs a column named "text"/],
    ['a CSV with an unclosed quote', () => importFile('text\n"never closed\n', 'text/csv', '?title=t&problem=p'), 400, /^line \d+: this is not valid CSV/],
    ['text without a title', () => importFile('a card', 'text/plain'), 400, /title= and \?problem=/],
    ['another media type', () => importFile('<html></html>', 'text/html'), 415, /application\/json/],
    [
      'an anonymous card with an author',
      () => {
        const file = richBoardFile()
        file.canvas.cards[1].author = { id: 'x', name: 'Leak', color: '#000' }
        return importFile(JSON.stringify(file, null, 1))
      },
      400,
      /^line \d+: canvas\.cards\[1\]\.author: an anonymous card has no author/,
    ],
    [
      'a shape on a parent that is not there',
      () => {
        const file = richBoardFile()
        const shape = file.canvas.records.find((record) => record.type === 'contribution')!
        shape.parentId = 'shape:nowhere'
        return importFile(JSON.stringify(file))
      },
      400,
      /sits on shape:nowhere, which is not in the file/,
    ],
    [
      'a record tldraw refuses',
      () => {
        const file = richBoardFile()
        const shape = file.canvas.records.find((record) => record.type === 'contribution')!
        ;(shape.props as { w: number }).w = -5
        return importFile(JSON.stringify(file, null, 1))
      },
      400,
      /^line \d+: the record shape:\w+ is not valid/,
    ],
    [
      'a browser’s own record',
      () => {
        const file = richBoardFile()
        file.canvas.records.push({ id: 'camera:page:page', typeName: 'camera', x: 0, y: 0, z: 1, meta: {} })
        return importFile(JSON.stringify(file))
      },
      400,
      /belongs to one browser/,
    ],
    [
      'a reaction on a card that is not there',
      () => {
        const file = richBoardFile()
        file.conversation.reactions[0].cardId = 'card:ffffffffffffffffffffffff'
        return importFile(JSON.stringify(file))
      },
      400,
      /reaction is on the card card:f+, which is not in the file/,
    ],
  ]

  test.each(refusals)('%s is refused with what is wrong, and no board is made', async (_name, send, status, message) => {
    const before = boardCount()
    const response = await send()
    expect(response.status).toBe(status)
    expect(((await response.json()) as { error: string }).error).toMatch(message)
    expect(boardCount()).toBe(before)
  })

  test('after every refusal the server still imports a good file', async () => {
    await imported(await importFile(JSON.stringify(richBoardFile())))
  })
})

describe('templates', () => {
  test('the home page gets six templates with previews, and a board starts from one with its own title and problem', async () => {
    const { templates } = (await (await fetch(`${suite.server.url}/api/boards/templates`)).json()) as {
      templates: Array<{ id: string; name: string; cards: unknown[]; frames: Array<{ name: string }> }>
    }
    expect(templates.map((template) => template.id)).toEqual(['empty', 'problem-framing', 'ibis', 'causal-map', 'five-whys', 'retrospective'])
    expect(templates.find((template) => template.id === 'problem-framing')!.frames.map((frame) => frame.name)).toEqual([
      'Problem',
      'Causes',
      'Consequences',
      'Options',
    ])
    expect(templates.find((template) => template.id === 'ibis')!.frames.map((frame) => frame.name)).toEqual(['Question', 'Ideas', 'Pros', 'Cons'])
    const created = await fetch(`${suite.server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Why did the launch slip?', problem: 'It slipped twice.', template: 'five-whys' }),
    })
    const board = await imported(created)
    const file = (await (await exportOf(board.id, board.observer, 'json')).json()) as BoardFile
    expect(file.board).toEqual({ title: 'Why did the launch slip?', problem: 'It slipped twice.' })
    expect(file.canvas.cards).toHaveLength(6)
    const markdown = await (await exportOf(board.id, board.observer, 'md')).text()
    expect(markdown.match(/ leads to /g)).toHaveLength(5)
  })

  test('an unknown template is refused by name', async () => {
    const response = await fetch(`${suite.server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 't', problem: 'p', template: 'swot' }),
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toMatch(/no template "swot"; choose one of empty, problem-framing/)
  })
})

describe('what an export never holds', () => {
  async function person(linkToken: string): Promise<{ personId: string; personToken: string }> {
    const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/people`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${linkToken}` },
    })
    expect(response.status).toBe(201)
    return (await response.json()) as { personId: string; personToken: string }
  }

  test('private drafts are in no format, not even for their author or a facilitator', async () => {
    const ada = await person(suite.board.tokens.member)
    const drafts = suite.client(draftsDocName(suite.board.id, ada.personId), ada.personToken)
    await waitForSync(drafts)
    createDraft(drafts.doc, {
      id: 'draft-secret',
      roundId: 'round-x',
      kind: 'idea',
      text: 'my private thought 7c1e',
      anonymous: false,
      author: { id: ada.personId, name: 'Ada', color: '#e03131' },
      now: Date.now(),
      parentId: 'page:page',
      x: 0,
      y: 0,
      w: 240,
      h: 160,
    })
    // The sentinel: her second device has the draft, so the server stored it.
    const again = suite.client(draftsDocName(suite.board.id, ada.personId), ada.personToken)
    await waitFor(() => listDrafts(again.doc).some((draft) => draft.text === 'my private thought 7c1e'), 10_000, 'the draft on her second device')
    for (const token of [ada.personToken, suite.board.tokens.facilitator]) {
      for (const format of ['json', 'md', 'csv']) {
        const response = await exportOf(suite.board.id, token, format)
        expect(response.status).toBe(200)
        expect(await response.text()).not.toContain('7c1e')
      }
    }
  })

  test('an open round is exported as its question only: no ballots, no counts', async () => {
    const live = (await (await exportOf(suite.board.id, suite.board.tokens.observer, 'json')).json()) as BoardFile
    const cardIds = live.canvas.cards.map((card) => card.id)
    const opened = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/rounds`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${suite.board.tokens.facilitator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ cardIds, budget: 3, anonymous: false, title: 'Which matters?' }),
    })
    expect(opened.status).toBe(201)
    const { roundId } = (await opened.json()) as { roundId: string }
    const bea = await person(suite.board.tokens.member)
    const ballot = await fetch(`${suite.server.url}/api/boards/${suite.board.id}/rounds/${roundId}/ballot`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${bea.personToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dots: { [cardIds[0]]: 3 } }),
    })
    expect(ballot.status).toBe(200)
    let round: BoardFile['rounds'][number] | undefined
    for (const deadline = Date.now() + 10_000; !round && Date.now() < deadline; ) {
      const file = (await (await exportOf(suite.board.id, suite.board.tokens.facilitator, 'json')).json()) as BoardFile
      round = file.rounds.find((candidate) => candidate.roundId === roundId)
    }
    expect(round).toEqual({
      roundId,
      number: 1,
      title: 'Which matters?',
      cardIds,
      budget: 3,
      anonymous: false,
      status: 'open',
      openedAt: expect.any(Number),
      closedAt: null,
      results: null,
      voterCount: null,
    })
  })
})

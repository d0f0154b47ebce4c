/**
 * Measures export and import for a board of 1,000 cards, 1,500 typed links and 3,000 replies (the
 * size tests/bench/thinking-figures.ts opens in browsers) on this machine, against the real server
 * process with SQLite on disk: the import of its board file (POST /api/boards/import), then each
 * export format over HTTP (GET /api/boards/:id/export?format=md|json|csv|svg|png), median and slowest of
 * BENCH_RUNS runs, with the size of each file, and `npm run export` beside the running server.
 *
 * The board is a board file built here: contribution cards in a grid, tldraw arrows with their
 * LinkMeta and two bindings each, and threads of replies spread over the cards, every record
 * checked by the server on import as any upload is.
 *
 * Run with `npx tsx tests/bench/exchange-figures.ts`. Sizes: BENCH_CARDS, BENCH_LINKS,
 * BENCH_REPLIES; BENCH_RUNS (default 5).
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { toRichText } from '@tldraw/tlschema'
import { getIndices } from '@tldraw/utils'
import { LINK_TYPE_STYLE, linkLabel } from '../../client/links/linkStyle'
import { CONTRIBUTION_DEFAULT_SIZE, contributionShapeRecord } from '../../shared/board/contributionShape'
import { CONTRIBUTION_KINDS, LINK_TYPES } from '../../shared/board/vocabulary'
import type { BoardFile, FileCard, FileRecord, FileThread } from '../../shared/exchange/boardFile'
import { serverSchema } from '../../server/board/serverRecords'
import { removeDataDir, startServerProcess } from '../helpers/serverProcess'

const CARDS = Number(process.env.BENCH_CARDS ?? 1000)
const LINKS = Number(process.env.BENCH_LINKS ?? 1500)
const REPLIES = Number(process.env.BENCH_REPLIES ?? 3000)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const PEOPLE = ['Ada', 'Bea', 'Chen', 'Dara', 'Emil', 'Femi'].map((name, i) => ({ id: `bench-person-${i}`, name, color: '#1971c2' }))

const hex = (i: number, width = 24) => i.toString(16).padStart(width, '0')

export function benchBoard(): BoardFile {
  const now = Date.now()
  const indices = getIndices(CARDS + LINKS + 1)
  const records: FileRecord[] = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
  ]
  const cards: FileCard[] = []
  const at = (i: number) => ({ x: (i % 40) * 320, y: Math.floor(i / 40) * 240 })
  for (let i = 0; i < CARDS; i++) {
    const id = `card:${hex(i)}`
    const anonymous = i % 10 === 9
    cards.push({
      id,
      kind: CONTRIBUTION_KINDS[i % CONTRIBUTION_KINDS.length],
      text: `Card ${i}: what I see from my practice, in a sentence or two that a person would write on a card.`,
      author: anonymous ? null : PEOPLE[i % PEOPLE.length],
      anonymous,
      createdAt: now + i,
      updatedAt: now + i,
      lastEditor: null,
    })
    records.push(
      contributionShapeRecord({
        id: `shape:${hex(i)}`,
        parentId: 'page:page',
        index: indices[i + 1],
        ...at(i),
        ...CONTRIBUTION_DEFAULT_SIZE,
        cardId: id,
      }) as FileRecord,
    )
  }
  for (let i = 0; i < LINKS; i++) {
    const from = i % CARDS
    const to = (from + 1 + ((Math.floor(i / CARDS) * 7 + (i % 3)) % 40)) % CARDS
    const linkType = LINK_TYPES[i % LINK_TYPES.length]
    const id = `shape:link${hex(i)}`
    const start = at(from)
    const end = at(to)
    records.push({
      id,
      typeName: 'shape',
      type: 'arrow',
      parentId: 'page:page',
      index: indices[CARDS + i + 1],
      x: start.x,
      y: start.y,
      rotation: 0,
      isLocked: false,
      opacity: 1,
      props: {
        kind: 'arc',
        ...LINK_TYPE_STYLE[linkType],
        fill: 'none',
        size: 'm',
        arrowheadStart: 'none',
        arrowheadEnd: 'arrow',
        font: 'draw',
        start: { x: 0, y: 0 },
        end: { x: end.x - start.x, y: end.y - start.y },
        bend: 0,
        richText: toRichText(linkLabel(linkType)),
        labelPosition: 0.5,
        scale: 1,
        elbowMidPoint: 0.5,
      },
      meta: { linkType, createdBy: PEOPLE[i % PEOPLE.length], updatedBy: PEOPLE[i % PEOPLE.length], createdAt: now, updatedAt: now },
    })
    for (const [terminal, target] of [
      ['start', from],
      ['end', to],
    ] as const) {
      records.push({
        id: `binding:link${hex(i)}-${terminal}`,
        typeName: 'binding',
        type: 'arrow',
        fromId: id,
        toId: `shape:${hex(target)}`,
        props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
        meta: {},
      })
    }
  }
  const threads = new Map<string, FileThread>()
  for (let i = 0; i < REPLIES; i++) {
    const anchorId = cards[(i * 7) % CARDS].id
    const thread = threads.get(anchorId) ?? { anchorId, status: i % 5 === 0 ? 'resolved' : 'open', statusBy: null, statusAt: 0, replies: [] }
    thread.replies.push({
      id: `reply:${hex(i)}`,
      author: PEOPLE[(i + 1) % PEOPLE.length],
      text: `Reply ${i}: how this looks from where I work.`,
      createdAt: now + i,
      editedAt: null,
      deleted: false,
    })
    threads.set(anchorId, thread)
  }
  return {
    format: 'think-together.board',
    version: 1,
    exportedAt: now,
    board: { title: 'A thousand cards', problem: 'How does the export hold up on a big board?' },
    canvas: { schema: serverSchema.serialize(), records, cards },
    session: { phases: [], currentPhaseId: null, locked: false },
    conversation: { threads: [...threads.values()], reactions: [], tours: [] },
    rounds: [],
    members: PEOPLE.map((person, i) => ({ ...person, practice: 'bench', firstSeenAt: now + i, lastSeenAt: now + i })),
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ms = (value: number) => `${Math.round(value)} ms`

async function main(): Promise<void> {
  const file = benchBoard()
  const body = JSON.stringify(file)
  const server = await startServerProcess()
  try {
    const importStarted = performance.now()
    const response = await fetch(`${server.url}/api/boards/import`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    const importMs = performance.now() - importStarted
    if (response.status !== 201) throw new Error(`import answered ${response.status}: ${await response.text()}`)
    const { id, links } = (await response.json()) as { id: string; links: Record<string, string> }
    const token = new URL(links.observer).hash.replace('#token=', '')
    console.log(`board: ${CARDS} cards, ${LINKS} links, ${REPLIES} replies; board file ${(body.length / 1e6).toFixed(1)} MB`)
    console.log(`import (POST /api/boards/import): ${ms(importMs)}`)
    for (const format of ['json', 'md', 'csv', 'svg', 'png'] as const) {
      const times: number[] = []
      let bytes = 0
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now()
        const exported = await fetch(`${server.url}/api/boards/${id}/export?format=${format}`, { headers: { Authorization: `Bearer ${token}` } })
        bytes = (await exported.arrayBuffer()).byteLength
        times.push(performance.now() - started)
        if (exported.status !== 200) throw new Error(`export ${format} answered ${exported.status}`)
      }
      console.log(
        `export ${format.padEnd(4)} (HTTP): median ${ms(median(times))}, slowest ${ms(Math.max(...times))}, first ${ms(times[0])}; ${(bytes / 1e6).toFixed(2)} MB`,
      )
    }
    const cliStarted = performance.now()
    await new Promise<void>((resolvePromise, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, '../../server/exchange/exportCli.ts'), id, '--format', 'md'],
        { env: { ...process.env, DATA_DIR: server.dataDir }, maxBuffer: 256 * 1024 * 1024 },
        (error) => (error ? reject(error) : resolvePromise()),
      )
    })
    console.log(`npm run export -- <id> --format md (beside the running server, tsx, process start included): ${ms(performance.now() - cliStarted)}`)
  } finally {
    await server.stop()
    removeDataDir(server.dataDir)
  }
}

if (process.argv[1]?.endsWith('exchange-figures.ts')) await main()

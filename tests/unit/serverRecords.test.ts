/**
 * The server's check of the tldraw records it writes (server/board/serverRecords.ts): tldraw's
 * own validators refuse wrong props, bad indices and unknown record types; a parent must exist on
 * the board; records are put into the tldraw format the board was saved with, or refused when
 * that cannot be done; and loading the check on the server pulls in neither React nor the DOM.
 * (tests/unit/serverRecords.client.test.tsx checks it against what the client itself writes.)
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_META_MAP, TLDRAW_RECORDS_MAP, TLDRAW_SCHEMA_KEY } from '../../shared/board/docLayout'
import { boardPageIds, checkServerRecord, serverSchema } from '../../server/board/serverRecords'

const ROOT = resolve(import.meta.dirname, '..', '..')

const card = (overrides: Partial<Parameters<typeof contributionShapeRecord>[0]> = {}) =>
  contributionShapeRecord({
    id: 'shape:card1',
    parentId: 'page:page',
    index: 'a1',
    x: 10,
    y: 20,
    w: 240,
    h: 160,
    cardId: 'card:0123456789abcdef01234567',
    ...overrides,
  })

function board(records: Array<Record<string, unknown>> = [], storedSchema?: unknown): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const record of records) doc.getMap(TLDRAW_RECORDS_MAP).set(String(record.id), record)
    if (storedSchema !== undefined) doc.getMap(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, storedSchema)
  })
  return doc
}

const page = (id: string, index = 'a1') => ({ id, typeName: 'page', name: id, index, meta: {} })
const frame = { ...card({ id: 'shape:frame' }), type: 'frame', props: { w: 800, h: 600, name: 'Ideas', color: 'black' } }

describe('tldraw validation of server-written records', () => {
  test('a contribution card as the server builds it is accepted as it is', () => {
    expect(checkServerRecord(board([page('page:page')]), card())).toEqual({ ok: true, record: card() })
  })

  test.each([
    ['a zero width', card({ w: 0 }), 'props.w'],
    ['a negative height', card({ h: -5 }), 'props.h'],
    ['a width that is not a number', { ...card(), props: { ...card().props, w: '240' } }, 'props.w'],
    ['no card id', { ...card(), props: { w: 240, h: 160 } }, 'props.cardId'],
    ['a prop tldraw does not know', { ...card(), props: { ...card().props, color: 'red' } }, 'props.color'],
    ['an index that is not a fractional index', card({ index: 'a' }), 'index'],
    ['an index with a trailing zero', card({ index: 'a10' }), 'index'],
    ['an index whose integer part is too short', card({ index: 'b1' }), 'index'],
    ['an infinite position', card({ x: Infinity }), 'x'],
    ['a field shapes do not have', { ...card(), author: 'Ada' }, 'author'],
  ])('a card with %s is refused with the path that is wrong', (_what, record, path) => {
    const checked = checkServerRecord(board([page('page:page')]), record)
    expect(checked).toMatchObject({ ok: false, problem: 'invalid-record' })
    expect(!checked.ok && checked.message).toMatch(new RegExp(`not a valid tldraw record: ${path.replace('.', '\\.')} \\(`))
  })

  test('a record of a type tldraw does not have is refused', () => {
    expect(checkServerRecord(board(), { ...card(), typeName: 'card' })).toMatchObject({ ok: false, problem: 'invalid-record' })
    expect(checkServerRecord(board(), null)).toMatchObject({ ok: false, problem: 'invalid-record' })
  })
})

describe('the parent of a server-written record', () => {
  test('must be a page of the board or a shape on it', () => {
    const doc = board([page('page:page'), page('page:second', 'a2'), frame])
    expect(checkServerRecord(doc, card({ parentId: 'page:second' })).ok).toBe(true)
    expect(checkServerRecord(doc, card({ parentId: 'shape:frame' })).ok).toBe(true)
    for (const parentId of ['page:gone', 'shape:gone']) {
      const checked = checkServerRecord(doc, card({ parentId }))
      expect(checked).toMatchObject({ ok: false, problem: 'unknown-parent' })
      expect(!checked.ok && checked.message).toMatch(`parent ${parentId} does not exist`)
    }
  })

  test('a page id that names a shape, or a shape id that names a page, is not a parent', () => {
    const doc = board([page('page:page'), { ...page('shape:impostor') }])
    expect(checkServerRecord(doc, card({ parentId: 'shape:impostor' }))).toMatchObject({ ok: false, problem: 'unknown-parent' })
  })

  test('the default page counts while the board has no pages yet (every client creates it on first open), not once it has others', () => {
    expect(boardPageIds(board().getMap(TLDRAW_RECORDS_MAP))).toEqual(['page:page'])
    expect(checkServerRecord(board(), card()).ok).toBe(true)
    expect(checkServerRecord(board(), card({ parentId: 'page:other' }))).toMatchObject({ ok: false, problem: 'unknown-parent' })
    expect(checkServerRecord(board([page('page:other')]), card())).toMatchObject({ ok: false, problem: 'unknown-parent' })
  })

  test('pages come in their order', () => {
    expect(boardPageIds(board([page('page:b', 'a3'), page('page:a', 'a2'), frame]).getMap(TLDRAW_RECORDS_MAP))).toEqual(['page:a', 'page:b'])
  })
})

describe('the tldraw format of the board', () => {
  const ours = serverSchema.serialize()
  const withShapeVersion = (version: number) => ({ ...ours, sequences: { ...ours.sequences, 'com.tldraw.shape': version } })

  test('a board saved with the server’s format, or with none yet, gets the record as it is', () => {
    expect(checkServerRecord(board([page('page:page')], ours), card())).toEqual({ ok: true, record: card() })
    expect(checkServerRecord(board([page('page:page')], { ...ours, sequences: { ...ours.sequences, 'com.example.unknown': 7 } }), card()).ok).toBe(true)
  })

  test('a board saved by an older tldraw gets the record in its format, which its clients migrate back up unchanged', () => {
    const older = withShapeVersion(3)
    const checked = checkServerRecord(board([page('page:page')], older), card())
    if (!checked.ok) throw new Error(checked.message)
    const migratedUp = serverSchema.migratePersistedRecord(checked.record, older, 'up')
    expect(migratedUp).toEqual({ type: 'success', value: card() })
  })

  test('a board whose format the record cannot be taken back to, or that a newer tldraw saved, is refused', () => {
    // com.tldraw.shape/3 (AddMeta) has no way back.
    expect(checkServerRecord(board([page('page:page')], withShapeVersion(2)), card())).toMatchObject({ ok: false, problem: 'board-format' })
    const newer = checkServerRecord(board([page('page:page')], withShapeVersion(ours.sequences['com.tldraw.shape'] + 1)), card())
    expect(newer).toMatchObject({ ok: false, problem: 'board-format' })
    expect(!newer.ok && newer.message).toMatch('newer version of tldraw')
  })
})

describe('the check on the server', () => {
  test('loads tldraw’s schema packages without React or the DOM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'server-records-imports-'))
    try {
      const hooks = join(dir, 'hooks.mjs')
      writeFileSync(
        hooks,
        `export async function resolve(specifier, context, next) {\n  const result = await next(specifier, context)\n  process.stderr.write('RESOLVED ' + result.url + '\\n')\n  return result\n}\n`,
      )
      const register = join(dir, 'register.mjs')
      writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`)
      const entry = pathToFileURL(join(ROOT, 'server', 'board', 'serverRecords.ts')).href
      const script = `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify({ types: Object.keys(m.serverSchema.types).length, window: typeof window, document: typeof document }))`
      const run = spawnSync(process.execPath, ['--import', register, '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(run.status, run.stderr).toBe(0)
      expect(JSON.parse(run.stdout.trim())).toEqual({ types: Object.keys(serverSchema.types).length, window: 'undefined', document: 'undefined' })
      const resolved = run.stderr
        .split('\n')
        .filter((line) => line.startsWith('RESOLVED '))
        .map((line) => line.slice('RESOLVED '.length))
      expect(resolved.some((url) => url.includes('/@tldraw/tlschema/'))).toBe(true)
      expect(resolved.filter((url) => /\/node_modules\/(react|react-dom|tldraw|@tldraw\/editor)\//.test(url))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

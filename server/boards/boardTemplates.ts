/**
 * The templates a new board can start from: board files (the export format) in
 * server/boards/templates/, read and checked with the import's own checks when the server
 * starts, so a broken template stops the start with its name and line instead of making broken
 * boards. A board made from a template gets the template's canvas with the creator's title and
 * problem; the template's cards are dated to the board's creation.
 *
 * @example
 *   const templates = BoardTemplates.load()
 *   const file = templates.start('five-whys', Date.now())
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TemplatePreview } from '../../shared/api/boards'
import type { BoardFile, FileRecord } from '../../shared/exchange/boardFile'
import { checkBoardFile } from '../exchange/boardFileCheck'

/** Where the template files are: beside this module, and beside the bundle in dist/server/. */
export const TEMPLATES_DIR = join(import.meta.dirname, 'templates')

/** The order the home page shows them in; any other template file follows, by name. */
const ORDER = ['empty', 'problem-framing', 'ibis', 'causal-map', 'five-whys', 'retrospective']

interface Template {
  id: string
  file: BoardFile
  preview: TemplatePreview
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
const propsOf = (record: FileRecord) => (record.props ?? {}) as Record<string, unknown>

function previewOf(id: string, file: BoardFile): TemplatePreview {
  const records = new Map(file.canvas.records.map((record) => [record.id, record]))
  const origin = (record: FileRecord): { x: number; y: number } => {
    const parent = typeof record.parentId === 'string' ? records.get(record.parentId) : undefined
    if (parent?.typeName !== 'shape') return { x: num(record.x), y: num(record.y) }
    const at = origin(parent)
    return { x: at.x + num(record.x), y: at.y + num(record.y) }
  }
  const cards = new Map(file.canvas.cards.map((card) => [card.id, card]))
  const shapes = file.canvas.records.filter((record) => record.typeName === 'shape')
  return {
    id,
    name: file.board.title,
    description: file.board.problem,
    frames: shapes
      .filter((record) => record.type === 'frame')
      .map((record) => ({ name: String(propsOf(record).name ?? ''), ...origin(record), w: num(propsOf(record).w), h: num(propsOf(record).h) })),
    cards: shapes
      .filter((record) => record.type === 'contribution' && cards.has(String(propsOf(record).cardId)))
      .map((record) => {
        const card = cards.get(String(propsOf(record).cardId))!
        return { kind: card.kind, text: card.text, ...origin(record), w: num(propsOf(record).w), h: num(propsOf(record).h) }
      }),
  }
}

export class BoardTemplates {
  private constructor(private readonly templates: Map<string, Template>) {}

  /** Reads and checks every template; throws naming the first file that does not check out. */
  static load(dir: string = TEMPLATES_DIR): BoardTemplates {
    const templates = new Map<string, Template>()
    const names = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : 1))
    for (const id of names) {
      if (!/^[a-z0-9-]{1,40}$/.test(id)) throw new Error(`template file ${id}.json: a template's file name is lower-case letters, digits and dashes`)
      const checked = checkBoardFile(readFileSync(join(dir, `${id}.json`), 'utf8'))
      if (!checked.ok) throw new Error(`template file ${join(dir, `${id}.json`)} does not check out: ${checked.message}`)
      templates.set(id, { id, file: checked.file, preview: previewOf(id, checked.file) })
    }
    if (!templates.has('empty')) throw new Error(`the templates in ${dir} need an empty one (empty.json)`)
    return new BoardTemplates(templates)
  }

  ids(): string[] {
    return [...this.templates.keys()]
  }

  list(): TemplatePreview[] {
    return [...this.templates.values()].map((template) => template.preview)
  }

  /** The template's board file for a board created at `now`, or null when there is no such template. */
  start(id: string, now: number): BoardFile | null {
    const template = this.templates.get(id)
    if (!template) return null
    const file = structuredClone(template.file)
    for (const card of file.canvas.cards) {
      card.createdAt = now
      card.updatedAt = now
    }
    return { ...file, exportedAt: now }
  }
}

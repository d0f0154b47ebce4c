/**
 * The board as a picture, made on the server for GET /api/boards/:id/export?format=svg|png: the
 * frames with their names, the contribution cards (kind, text, author — "anonymous" for an
 * anonymous card) and the typed links between them as labelled arrows, in SVG with the
 * self-hosted IBM Plex Sans (tldraw's own sans) embedded as data URLs, so the file draws the same
 * anywhere and asks no host for anything; PNG is that SVG rendered by resvg with the same fonts
 * (resvg reads TrueType, so the WOFF2 files are unpacked once, into the system's temp directory). Other tldraw shapes (drawings, text, images) are drawn by the board menu's export, which
 * is tldraw's own; this picture shows what the group thought. All board text is XML-escaped.
 *
 * @example
 *   const svg = boardSvg(file)
 *   const png = await boardPng(file)
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { renderAsync } from '@resvg/resvg-js'
import { decompress } from 'wawoff2'
import { CONTRIBUTION_KIND_INFO, LINK_TYPE_INFO, type ContributionKind } from '../../shared/board/vocabulary'
import type { BoardFile, FileRecord } from '../../shared/exchange/boardFile'
import { viewBoard } from '../../shared/exchange/boardView'

/** The kinds' accents, as the board draws them (client/contributions/kindStyle.ts). */
const KIND_ACCENT: Record<ContributionKind, string> = {
  understanding: '#4465e9',
  question: '#9c36b5',
  experience: '#099268',
  idea: '#d9730d',
  concern: '#e03131',
  synthesis: '#0c8599',
}

const FONT_FAMILY = 'IBM Plex Sans'
const FONT_FILES = { medium: 'IBMPlexSans-Medium.woff2', bold: 'IBMPlexSans-Bold.woff2' } as const
/** The longest side of a PNG, in pixels; a larger board is scaled down to fit. */
export const MAX_PNG_SIDE = 4096
const PADDING = 48
const TEXT_SIZE = 14
const LINE_HEIGHT = 19

/** Where the fonts are: beside the bundle in dist/server/fonts, or in @tldraw/assets in a checkout. */
function fontDirectory(): string {
  const besideBundle = join(import.meta.dirname, 'fonts')
  if (existsSync(join(besideBundle, FONT_FILES.medium))) return besideBundle
  return join(dirname(createRequire(import.meta.url).resolve('@tldraw/assets/package.json')), 'fonts')
}

let fonts: { medium: Buffer; bold: Buffer } | null = null
function loadFonts(): { medium: Buffer; bold: Buffer } {
  if (!fonts) {
    const dir = fontDirectory()
    fonts = { medium: readFileSync(join(dir, FONT_FILES.medium)), bold: readFileSync(join(dir, FONT_FILES.bold)) }
  }
  return fonts
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;'))
}

/** Lines of at most `width` pixels (estimated from the font's average advance), at most `max` of them. */
function wrap(text: string, width: number, max: number): string[] {
  const perLine = Math.max(8, Math.floor(width / (TEXT_SIZE * 0.52)))
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      for (let rest = word; rest.length > 0; ) {
        const candidate = line === '' ? rest : `${line} ${rest}`
        if (candidate.length <= perLine) {
          line = candidate
          rest = ''
        } else if (line === '') {
          lines.push(rest.slice(0, perLine))
          rest = rest.slice(perLine)
        } else {
          lines.push(line)
          line = ''
        }
      }
    }
    lines.push(line)
  }
  const kept = lines.slice(0, max)
  if (lines.length > max && kept.length > 0) kept[kept.length - 1] = `${kept[kept.length - 1].slice(0, perLine - 1)}…`
  return kept
}

interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** Page positions of shapes, through their parents (frames, groups). */
function pagePositions(records: FileRecord[]): (record: FileRecord) => { x: number; y: number } {
  const byId = new Map(records.map((record) => [record.id, record]))
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
  const at = (record: FileRecord, depth = 0): { x: number; y: number } => {
    const parent = typeof record.parentId === 'string' ? byId.get(record.parentId) : undefined
    if (parent?.typeName !== 'shape' || depth > 50) return { x: num(record.x), y: num(record.y) }
    const origin = at(parent, depth + 1)
    return { x: origin.x + num(record.x), y: origin.y + num(record.y) }
  }
  return at
}

export function boardSvg(file: BoardFile): string {
  const view = viewBoard(file)
  const at = pagePositions(file.canvas.records)
  const frames = file.canvas.records
    .filter((record) => record.typeName === 'shape' && record.type === 'frame')
    .map((record) => {
      const props = (record.props ?? {}) as { w?: number; h?: number; name?: string }
      return { ...at(record), w: Number(props.w) || 0, h: Number(props.h) || 0, name: String(props.name ?? '') }
    })
  const records = new Map(file.canvas.records.map((record) => [record.id, record]))
  const cards = view.placed.map((entry) => ({ ...entry, ...at(records.get(entry.shapeId)!) }))
  const boxOf = new Map(cards.map((card) => [card.card.id, card as Box]))
  const all: Box[] = [...frames, ...cards]
  const minX = all.length ? Math.min(...all.map((box) => box.x)) - PADDING : 0
  const minY = all.length ? Math.min(...all.map((box) => box.y)) - PADDING : 0
  const width = all.length ? Math.max(...all.map((box) => box.x + box.w)) + PADDING - minX : 400
  const height = all.length ? Math.max(...all.map((box) => box.y + box.h)) + PADDING - minY : 240
  const { medium, bold } = loadFonts()
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="${minX} ${minY} ${Math.ceil(width)} ${Math.ceil(height)}" font-family="${FONT_FAMILY}">`,
    `<title>${xml(file.board.title)}</title>`,
    '<style>',
    `@font-face{font-family:"${FONT_FAMILY}";font-weight:500;src:url(data:font/woff2;base64,${medium.toString('base64')}) format("woff2")}`,
    `@font-face{font-family:"${FONT_FAMILY}";font-weight:700;src:url(data:font/woff2;base64,${bold.toString('base64')}) format("woff2")}`,
    '</style>',
    '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#5f6b7a"/></marker></defs>',
    `<rect x="${minX}" y="${minY}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" fill="#f9fafb"/>`,
  ]
  if (all.length === 0) parts.push(`<text x="${minX + 24}" y="${minY + 48}" font-size="16" font-weight="500" fill="#6b7075">No cards on this board yet.</text>`)
  for (const frame of frames) {
    parts.push(
      `<rect x="${frame.x}" y="${frame.y}" width="${frame.w}" height="${frame.h}" rx="8" fill="#ffffff" stroke="#c4c9cf" stroke-width="1.5"/>`,
      `<text x="${frame.x + 4}" y="${frame.y - 8}" font-size="14" font-weight="700" fill="#44474b">${xml(frame.name)}</text>`,
    )
  }
  for (const link of view.links) {
    const from = boxOf.get(link.from.id)
    const to = boxOf.get(link.to.id)
    if (!from || !to) continue
    const [x1, y1, x2, y2] = [from.x + from.w / 2, from.y + from.h / 2, to.x + to.w / 2, to.y + to.h / 2]
    // From edge to edge: the line leaves the first card's box and ends at the second's.
    const clip = (box: Box, dx: number, dy: number) => {
      const scale = Math.min(dx === 0 ? Number.POSITIVE_INFINITY : box.w / 2 / Math.abs(dx), dy === 0 ? Number.POSITIVE_INFINITY : box.h / 2 / Math.abs(dy))
      return Number.isFinite(scale) ? Math.min(1, scale) : 0
    }
    const dx = x2 - x1
    const dy = y2 - y1
    const start = clip(from, dx, dy)
    const end = 1 - clip(to, dx, dy)
    parts.push(
      `<line x1="${x1 + dx * start}" y1="${y1 + dy * start}" x2="${x1 + dx * end}" y2="${y1 + dy * end}" stroke="#5f6b7a" stroke-width="2" marker-end="url(#arrowhead)"/>`,
      `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle" font-size="12" font-weight="500" fill="#5f6b7a" paint-order="stroke" stroke="#f9fafb" stroke-width="4">${xml(LINK_TYPE_INFO[link.type].label)}</text>`,
    )
  }
  for (const { card, x, y, w, h } of cards) {
    const accent = KIND_ACCENT[card.kind]
    const author = card.anonymous ? 'anonymous' : (card.author?.name ?? '')
    const lines = wrap(card.text, w - 24, Math.max(1, Math.floor((h - 64) / LINE_HEIGHT)))
    parts.push(
      `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="#ffffff" stroke="#dcdfe3"/>`,
      `<rect x="${x}" y="${y}" width="${w}" height="4" rx="2" fill="${accent}"/>`,
      `<text x="${x + 12}" y="${y + 24}" font-size="11" font-weight="700" letter-spacing="0.06em" fill="${accent}">${xml(CONTRIBUTION_KIND_INFO[card.kind].label.toUpperCase())}</text>`,
      `<text font-size="${TEXT_SIZE}" font-weight="500" fill="#1d1d1d">${lines.map((line, i) => `<tspan x="${x + 12}" y="${y + 46 + i * LINE_HEIGHT}">${xml(line)}</tspan>`).join('')}</text>`,
      `<text x="${x + 12}" y="${y + h - 12}" font-size="12" font-weight="500" fill="#6b7075">${xml(author)}</text></g>`,
    )
  }
  parts.push('</svg>')
  return parts.join('\n')
}

let trueTypeFiles: Promise<string[]> | null = null
/** The fonts as TrueType files for resvg, unpacked from the WOFF2 files the first time. */
function trueTypeFonts(): Promise<string[]> {
  trueTypeFiles ??= (async () => {
    const dir = join(tmpdir(), 'think-together-fonts')
    mkdirSync(dir, { recursive: true })
    const { medium, bold } = loadFonts()
    const paths: string[] = []
    for (const [name, woff2] of [
      ['IBMPlexSans-Medium.ttf', medium],
      ['IBMPlexSans-Bold.ttf', bold],
    ] as const) {
      const path = join(dir, name)
      if (!existsSync(path)) {
        const partial = `${path}.${process.pid}`
        writeFileSync(partial, await decompress(woff2))
        renameSync(partial, path)
      }
      paths.push(path)
    }
    return paths
  })()
  return trueTypeFiles
}

/** PNGs render one at a time, off the event loop, so a big board's picture never holds up the relay. */
let pngQueue: Promise<unknown> = Promise.resolve()

export function boardPng(file: BoardFile): Promise<Buffer> {
  const svg = boardSvg(file)
  const size = /width="(\d+)" height="(\d+)"/.exec(svg)!
  const [width, height] = [Number(size[1]), Number(size[2])]
  const fitTo =
    Math.max(width, height) <= MAX_PNG_SIDE
      ? { mode: 'original' as const }
      : width >= height
        ? { mode: 'width' as const, value: MAX_PNG_SIDE }
        : { mode: 'height' as const, value: MAX_PNG_SIDE }
  const render = pngQueue.then(async () => {
    const fontFiles = await trueTypeFonts()
    const rendered = await renderAsync(svg, { fitTo, font: { fontFiles, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } })
    return rendered.asPng()
  })
  pngQueue = render.catch(() => undefined)
  return render
}

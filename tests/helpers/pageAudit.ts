/**
 * What a browser test measures about a page's accessibility and layout: axe-core's violations
 * (axe-core from node_modules, injected into the page by the test, never from a CDN), the share
 * of the viewport our own panels cover (sampled with elementFromPoint on a grid), and the Tab
 * order from a starting point (what each focused element is called).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
/** Evaluated through the debugging protocol, so the app's Content-Security-Policy stays as it is. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  readonly id: string
  readonly impact: string
  readonly nodes: number
  readonly help: string
  readonly targets: readonly string[]
}

/** axe-core's violations on the page as it is now, all impacts. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }>
        }
      }
    ).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? 'unknown',
      nodes: violation.nodes.length,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => String(node.target[0])),
    }))
  })
}

/** Violations that are serious or critical, the ones the browser tests allow none of. */
export function severe(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

export interface Coverage {
  /** Share of sampled points where the topmost element is one of our panels, pills or bars. */
  readonly ours: number
  /** Share where it is tldraw's own UI (toolbar, menus, people). */
  readonly tldraw: number
  /** Share where a pointer reaches the canvas (or a shape on it). */
  readonly canvas: number
}

/**
 * Samples the viewport every `step` px: a point is "ours" when its topmost element sits in an
 * element with a tt- class that is not a shape on the canvas, "tldraw" when it is in tldraw's UI,
 * else "canvas".
 */
export function measureCoverage(page: Page, step = 12): Promise<Coverage> {
  return page.evaluate((step) => {
    let ours = 0
    let tldraw = 0
    let canvas = 0
    for (let y = step / 2; y < window.innerHeight; y += step) {
      for (let x = step / 2; x < window.innerWidth; x += step) {
        const element = document.elementFromPoint(x, y)
        if (!element || element.closest('.tl-shape, .tl-html-layer, .tt-vote-badges')) {
          canvas += 1
          continue
        }
        let node: Element | null = element
        let isOurs = false
        while (node) {
          // The board and the canvas's own frame (under which the history strip sits) are not chrome.
          if ([...node.classList].some((name) => name.startsWith('tt-') && name !== 'tt-board' && name !== 'tt-board__canvas')) {
            isOurs = true
            break
          }
          node = node.parentElement
        }
        if (isOurs) ours += 1
        else if (element.closest('.tlui-layout, .tlui-menu-zone, .tlui-toolbar, .tlui-navigation-panel, .tlui-style-panel')) tldraw += 1
        else canvas += 1
      }
    }
    const total = ours + tldraw + canvas
    return { ours: ours / total, tldraw: tldraw / total, canvas: canvas / total }
  }, step)
}

/** What the focused element is called: its test id and accessible label, and the area it is in. */
function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null
    if (!element || element === document.body) return '(body)'
    const testId = element.getAttribute('data-testid') ?? '-'
    const label = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? ''
    const area = element.parentElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? '-'
    const inCard = element.closest('.tl-shape') ? ' [on a card]' : ''
    return `${element.tagName.toLowerCase()} ${testId} "${label}" in ${area}${inCard}`
  })
}

/** The first `stops` Tab stops after the current focus. */
export async function tabOrder(page: Page, stops: number): Promise<string[]> {
  const order: string[] = []
  for (let index = 0; index < stops; index += 1) {
    await page.keyboard.press('Tab')
    order.push(await describeFocus(page))
  }
  return order
}

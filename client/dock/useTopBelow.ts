/**
 * Where something placed under another element of the board's chrome starts: `gap` px below the
 * bottom of the element `selector` finds (in the editor container's coordinates), following it as
 * it resizes, moves between tldraw's layouts, mounts late or goes away (then `fallback`).
 */
import { useEffect, useState } from 'react'

export function useTopBelow(selector: string, gap: number, fallback: number): number {
  const [top, setTop] = useState(fallback)
  useEffect(() => {
    let observed: Element | null = null
    const resize = new ResizeObserver(() => measure())
    const measure = () => {
      const element = document.querySelector(selector)
      if (element !== observed) {
        if (observed) resize.unobserve(observed)
        if (element) resize.observe(element)
        observed = element
      }
      const container = document.querySelector('.tl-container')?.getBoundingClientRect()
      setTop(element && container ? Math.round(element.getBoundingClientRect().bottom - container.top + gap) : fallback)
    }
    measure()
    // tldraw's panels can mount after us and move between layouts.
    const interval = setInterval(measure, 1_000)
    window.addEventListener('resize', measure)
    return () => {
      clearInterval(interval)
      window.removeEventListener('resize', measure)
      resize.disconnect()
    }
  }, [selector, gap, fallback])
  return top
}

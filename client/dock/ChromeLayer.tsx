/**
 * The layer our board chrome (the status line, the card palette, the dock) lives in: a layer
 * inside tldraw's container, placed before the canvas in the document, so that Tab from the
 * canvas reaches the chrome before anything drawn on the canvas (cards are reached with tldraw's
 * own keyboard navigation). It paints above the canvas and lets pointers through where it is empty.
 */
import { useLayoutEffect, useState, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import { useContainer } from 'tldraw'

export function ChromeLayer({ children }: { children: ReactNode }) {
  const container = useContainer()
  const [layer, setLayer] = useState<HTMLDivElement | null>(null)
  useLayoutEffect(() => {
    const element = document.createElement('div')
    element.className = 'tt-chrome'
    element.dataset.testid = 'chrome'
    container.prepend(element)
    setLayer(element)
    return () => element.remove()
  }, [container])
  return layer ? createPortal(children, layer) : null
}

/**
 * The dock: the board's one panel area, at the left edge below the status line. A rail of
 * labelled buttons, one per panel a feature registers (client/board/features.ts, `panel`), and
 * at most one open panel beside it; closing it leaves the rail. Which panel is open is kept per
 * browser (dockStore.ts). Opening a panel puts the keyboard in it; Close or Escape returns it to
 * the panel's button.
 */
import { useEffect, useRef } from 'react'
import type { DockPanel } from '../board/features'
import { useDockStore } from './dockStore'
import { useTopBelow } from './useTopBelow'
import './dock.css'

const alwaysAvailable = () => true

export function PanelDock({ panels }: { panels: readonly DockPanel[] }) {
  const openPanel = useDockStore((state) => state.openPanel)
  const buttons = useRef(new Map<string, HTMLButtonElement>())
  const panelRef = useRef<HTMLElement>(null)
  const open = panels.find((panel) => panel.id === openPanel)
  // Below the status line (client/facilitation/), which sits below the problem statement.
  const top = useTopBelow('[data-testid="status-line"]', 8, 152)

  // The keyboard follows a panel that opens: its first control, else the panel itself.
  const shownBefore = useRef(openPanel)
  useEffect(() => {
    if (openPanel && openPanel !== shownBefore.current) {
      const panel = panelRef.current
      const first =
        panel?.querySelector<HTMLElement>('[data-dock-autofocus]') ??
        panel?.querySelector<HTMLElement>('.tt-dock__body :is(button:not([disabled]), input, select, textarea, [tabindex="0"])')
      ;(first ?? panel)?.focus()
    }
    shownBefore.current = openPanel
  }, [openPanel])

  const close = () => {
    const button = openPanel ? buttons.current.get(openPanel) : undefined
    useDockStore.getState().close()
    requestAnimationFrame(() => button?.focus())
  }

  const onPanelKeyDown = (event: globalThis.KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return
    const target = event.target as HTMLElement
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return
    event.stopPropagation()
    close()
  }

  return (
    <div className="tt-dock" style={{ top }} data-testid="dock" data-open-panel={open?.id ?? 'none'} onPointerDown={(event) => event.stopPropagation()}>
      <nav className="tt-dock__rail" aria-label="Panels" data-testid="dock-rail">
        {panels.map((panel) => (
          <RailButton
            key={panel.id}
            panel={panel}
            isOpen={panel.id === open?.id}
            buttonRef={(element) => {
              if (element) buttons.current.set(panel.id, element)
              else buttons.current.delete(panel.id)
            }}
          />
        ))}
      </nav>
      {open && <OpenPanel key={open.id} panel={open} panelRef={panelRef} onClose={close} onKeyDown={onPanelKeyDown} />}
    </div>
  )
}

function RailButton({ panel, isOpen, buttonRef }: { panel: DockPanel; isOpen: boolean; buttonRef: (element: HTMLButtonElement | null) => void }) {
  const useAvailable = panel.useAvailable ?? alwaysAvailable
  const available = useAvailable()
  const { Badge } = panel
  if (!available) return null
  return (
    <button
      ref={buttonRef}
      type="button"
      className="tt-dock__button"
      aria-expanded={isOpen}
      aria-controls={isOpen ? `tt-dock-panel-${panel.id}` : undefined}
      aria-keyshortcuts={panel.shortcut}
      title={panel.shortcut ? `${panel.label} (${panel.shortcut})` : undefined}
      onClick={() => useDockStore.getState().toggle(panel.id)}
      data-testid={panel.toggleTestId}
    >
      <span>{panel.label}</span>
      {Badge && <Badge />}
    </button>
  )
}

function OpenPanel({
  panel,
  panelRef,
  onClose,
  onKeyDown,
}: {
  panel: DockPanel
  panelRef: React.RefObject<HTMLElement | null>
  onClose: () => void
  onKeyDown: (event: globalThis.KeyboardEvent) => void
}) {
  const useAvailable = panel.useAvailable ?? alwaysAvailable
  const available = useAvailable()
  const { Body } = panel
  // Escape is ours before tldraw's, which listens on its container and would take it.
  const onKeyDownRef = useRef(onKeyDown)
  onKeyDownRef.current = onKeyDown
  useEffect(() => {
    const element = panelRef.current
    if (!element) return
    const listener = (event: globalThis.KeyboardEvent) => onKeyDownRef.current(event)
    element.addEventListener('keydown', listener)
    return () => element.removeEventListener('keydown', listener)
  }, [panelRef])
  if (!available) return null
  return (
    <section
      ref={panelRef}
      id={`tt-dock-panel-${panel.id}`}
      className="tt-dock__panel"
      aria-labelledby={`tt-dock-title-${panel.id}`}
      tabIndex={-1}
      data-testid="dock-panel"
      data-panel={panel.id}
    >
      <header className="tt-dock__header">
        <h2 id={`tt-dock-title-${panel.id}`} className="tt-dock__title">
          {panel.title ?? panel.label}
        </h2>
        <button type="button" className="tt-dock__close" onClick={onClose} aria-label={`Close ${panel.label}`} data-testid="dock-close">
          Close
        </button>
      </header>
      <div className="tt-dock__body">
        <Body />
      </div>
    </section>
  )
}

/**
 * Binds a textarea to a Y.Text so two people can type in the same card at once: the person's own
 * typing is written as the smallest change (through `writeLocal`, e.g. editCardText), and changes
 * from others are applied to the textarea as they arrive, with the caret and selection moved
 * along with the text around them instead of jumping to the end.
 *
 * @example
 *   const binding = bindTextareaToText(textarea, getCardText(doc, cardId)!, (next) =>
 *     editCardText(doc, cardId, next, me, Date.now()),
 *   )
 *   // when editing ends: binding.dispose()
 */
import type * as Y from 'yjs'

/** One step of a Y.Text change, as in `YTextEvent.delta`. */
export interface TextDeltaStep {
  insert?: unknown
  retain?: number
  delete?: number
}

/**
 * Where a position in the text before `delta` ends up after it. Text inserted exactly at the
 * position goes after it, so a person's caret stays where they were typing.
 */
export function transformPosition(position: number, delta: readonly TextDeltaStep[]): number {
  let index = 0
  let result = position
  for (const step of delta) {
    if (index > position) break
    if (step.retain !== undefined) {
      index += step.retain
    } else if (step.insert !== undefined) {
      const length = typeof step.insert === 'string' ? step.insert.length : 1
      if (index < position) result += length
    } else if (step.delete !== undefined) {
      if (index < position) result -= Math.min(step.delete, position - index)
      index += step.delete
    }
  }
  return result
}

export interface TextareaBinding {
  dispose(): void
}

export function bindTextareaToText(textarea: HTMLTextAreaElement, text: Y.Text, writeLocal: (next: string) => void): TextareaBinding {
  textarea.value = text.toString()

  const showText = (delta: readonly TextDeltaStep[] | null) => {
    const next = text.toString()
    if (textarea.value === next) return
    const { selectionStart, selectionEnd, selectionDirection } = textarea
    const move = (position: number) => Math.min(next.length, delta ? transformPosition(position, delta) : position)
    const hadFocus = textarea.ownerDocument.activeElement === textarea
    textarea.value = next
    if (hadFocus) textarea.setSelectionRange(move(selectionStart), move(selectionEnd), selectionDirection ?? undefined)
  }

  // The textarea shows what the Y.Text held before this change, so the change's delta says how
  // the caret moves. Our own writes leave the two equal and are skipped.
  const onTextChange = (event: Y.YTextEvent) => showText(event.delta as TextDeltaStep[])
  const onInput = () => {
    writeLocal(textarea.value)
    // The model may refuse part of what was typed (control characters, the length limit).
    showText(null)
  }

  text.observe(onTextChange)
  textarea.addEventListener('input', onInput)
  return {
    dispose() {
      text.unobserve(onTextChange)
      textarea.removeEventListener('input', onInput)
    },
  }
}

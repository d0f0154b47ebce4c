/**
 * tldraw's keyboard shortcuts dialog (Ctrl/Cmd+/ or the main menu), with the board's own
 * shortcuts in a group of their own above tldraw's: keys 1–6 for the kinds of card, Space to
 * open the selected card's actions, and the Conversation panel's Alt+Shift+C. Listing them in the
 * same dialog is what shows they never take one of tldraw's keys.
 */
import {
  DefaultKeyboardShortcutsDialog,
  DefaultKeyboardShortcutsDialogContent,
  TldrawUiMenuGroup,
  TldrawUiMenuItem,
  type TLUiKeyboardShortcutsDialogProps,
} from 'tldraw'
import { CONTRIBUTION_KINDS, CONTRIBUTION_KIND_INFO } from '../../shared/board/vocabulary'
import { CARD_ACTIONS_SHORTCUT } from './cardActionsStore'

const ignore = () => {}

export function BoardShortcutsDialog(props: TLUiKeyboardShortcutsDialogProps) {
  return (
    <DefaultKeyboardShortcutsDialog {...props}>
      <TldrawUiMenuGroup label="Think Together" id="think-together">
        {CONTRIBUTION_KINDS.map((kind) => (
          <TldrawUiMenuItem
            key={kind}
            id={`add-${kind}`}
            label={`Add a card: ${CONTRIBUTION_KIND_INFO[kind].label.toLowerCase()}`}
            kbd={CONTRIBUTION_KIND_INFO[kind].shortcut}
            onSelect={ignore}
          />
        ))}
        <TldrawUiMenuItem id="card-actions" label="Selected card: react, reply, expand" kbd={CARD_ACTIONS_SHORTCUT} onSelect={ignore} />
        <TldrawUiMenuItem id="conversation" label="Open or close the conversation" kbd="alt+shift+c" onSelect={ignore} />
      </TldrawUiMenuGroup>
      <DefaultKeyboardShortcutsDialogContent />
    </DefaultKeyboardShortcutsDialog>
  )
}

/**
 * The people menu in the board's top-right corner: tldraw's faces, names and follow buttons, for
 * everyone connected to the board. tldraw's own menu lists only people whose pointer moved in the
 * last minute, so someone who joined with the keyboard, or is reading without touching the mouse,
 * was missing from it; here presence is what counts (cursors on the canvas still fade as tldraw
 * fades them). It also shows while one is alone on the board, so a name can always be changed.
 */
import {
  DefaultPeopleMenuContent,
  OfflineIndicator,
  TldrawUiPopover,
  TldrawUiPopoverContent,
  TldrawUiPopoverTrigger,
  useCollaborationStatus,
  useEditor,
  useTldrawUiComponents,
  useTranslation,
  useValue,
} from 'tldraw'

export function BoardPeopleMenu() {
  const editor = useEditor()
  const msg = useTranslation()
  const status = useCollaborationStatus()
  const { PeopleMenuFacePile } = useTldrawUiComponents()
  const joined = useValue('people on the board', () => [...new Set(editor.getCollaborators().map((presence) => presence.userId))].sort().join('\n'), [editor])
  const userColor = useValue('my colour', () => editor.user.getColor(), [editor])
  const userName = useValue('my name', () => editor.user.getName(), [editor])
  if (status === 'offline') return <OfflineIndicator />
  const userIds = joined === '' ? [] : joined.split('\n')
  return (
    <TldrawUiPopover id="people menu">
      <TldrawUiPopoverTrigger>
        <button
          type="button"
          className="tlui-people-menu__avatars-button"
          title={msg('people-menu.title')}
          data-testid="people-menu"
          data-people={userIds.length + 1}
        >
          {userIds.length > 0 && PeopleMenuFacePile ? (
            <PeopleMenuFacePile userIds={userIds} userColor={userColor} userName={userName} />
          ) : (
            <div className="tlui-people-menu__avatars">
              <div className="tlui-people-menu__avatar" style={{ backgroundColor: userColor }}>
                {userName?.[0] ?? ''}
              </div>
            </div>
          )}
        </button>
      </TldrawUiPopoverTrigger>
      <TldrawUiPopoverContent side="bottom" align="end" sideOffset={2}>
        <div className="tlui-people-menu__wrapper" data-testid="people-menu-content">
          <DefaultPeopleMenuContent userIds={userIds} />
        </div>
      </TldrawUiPopoverContent>
    </TldrawUiPopover>
  )
}

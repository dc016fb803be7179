"""The application: wires the API client to the editor screen, and nothing more."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.checks.settings import OFF, CheckSettings
from tui.keys_in_transit import KeysResolvedWhereSent
from tui.palette import ActionsProvider
from tui.printable import printable
from tui.screens.editor import EditorScreen

if TYPE_CHECKING:
    from tui.api.auth import SignedIn
    from tui.api.models import SignedInUser
    from tui.auth.token_store import TokenStore


HEADER_CHROME = 16
"""Columns of the header that are not its title: the icon and the padding either side
(the title is centred, so both sides count)."""


class VoiceConfigApp(KeysResolvedWhereSent):
    """Edit a Tether organization's Voice AI configuration."""

    CSS_PATH = "app.tcss"
    TITLE = "tether-voice"
    SUB_TITLE = "Voice AI configuration"
    COMMANDS = {ActionsProvider}  # type: ignore[assignment]  # Textual types it as a ClassVar set

    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit; asks first when there are unsaved changes.",
            priority=True,
            id="app.quit",
        ),
        # Focus moves as the key arrives, not when the focused widget gets to it: over
        # a slow SSH link "tab" and the next keys come in one burst, and with Textual's
        # screen-level tab binding those next keys landed in the field being left.
        Binding("tab", "focus_next", "Next field", show=False, priority=True, id="app.next"),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="app.prev",
        ),
    ]

    # repaint=False here and on sub_title: an App reactive repaints the whole screen when
    # it changes, ~10 KB over SSH for what the header redraws by itself (it watches them).
    user: reactive[SignedInUser | None] = reactive(None, repaint=False)
    """Who the token belongs to, once the server has said (shown in the header)."""
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        demo: bool = False,
        profile: str | None = None,
        store: TokenStore | None = None,
        token_entry: str | None = None,
        verify_first: bool = False,
        checks: CheckSettings = OFF,
        look_in_keyring: bool = False,
        token_from_env: bool = False,
        client: VoiceConfigClient | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.demo = demo
        self.profile = profile
        self.store = store
        """The OS keyring wrapper, for "Remember" at sign-in (None: never offered)."""
        self.token_entry = token_entry
        self.verify_first = verify_first
        """The token came from the keyring and may have expired: check it before use."""
        self.checks = checks
        """Credential checks with ElevenLabs and Sinch; off unless the caller passes them
        (the command line always does), so an embedded app never contacts a third party."""
        self.look_in_keyring = look_in_keyring
        """No token given: look in the keyring (in a worker, after the first frame) first."""
        self.token_from_env = token_from_env
        """The session started with ``TETHER_TOKEN``: sign-in advice must not tell the user
        to set what they set, and must say it wins over the keyring at the next start."""
        self.client = client or VoiceConfigClient(settings)
        """The session's connection (given when the command line already sent the first
        requests with it); closed when the app ends."""

    @property
    def target_label(self) -> str:
        """Where saves go, as the user should read it everywhere (header, review, status)."""
        if self.demo:
            return "the DEMO server"
        return self.settings.base_url

    def signed_in(self, signed: SignedIn) -> None:
        """Use a fresh token from now on; edits and screens stay as they are."""
        self.client.use_token(signed.token)
        self.verify_first = False
        self.user = signed.user

    def watch_user(self) -> None:
        self.sub_title = self._describe_session()

    def _describe_session(self) -> str:
        """Profile, host and account, so nobody saves to production believing it is staging."""
        return " · ".join(part for part in self._session_parts(short=0) if part)

    def _session_parts(self, short: int) -> list[str]:
        """The header's pieces, shortened by steps as ``short`` grows: the org ID goes
        first, then the profile's label, the URL's scheme and the demo's explanation;
        the role and the host never go (issue 18, item 14: at 80 columns the role was
        cut to "SUPERA…")."""
        if self.demo:
            where = "DEMO server — local, nothing here is real" if short < 2 else "DEMO (local)"
        else:
            where = self.settings.base_url
            if short >= 2:
                where = where.split("://", 1)[-1].rstrip("/")
            if self.profile:
                where = f"{'profile ' if short < 2 else ''}{self.profile} · {where}"
        user = self.user
        if user is None:
            return [where]
        role = user.access_role or "role unknown"
        name = user.display_name
        org = f"org {user.organization_id}" if user.organization_id and short < 1 else ""
        return [where, role, name, org]

    def _fitted_sub_title(self, room: int) -> tuple[bool, str]:
        """(keep the app's name, the sub-title) fitting ``room`` columns, if any does."""
        for short in range(3):
            text = " · ".join(part for part in self._session_parts(short) if part)
            for keep_name in (True, False):
                width = len(printable(text)) + (len(self.title) + 3 if keep_name else 0)
                if width <= room:
                    return keep_name, text
        # Still too wide: the account's name is cut (it ends in "…"), then dropped.
        where, role, name, _org = [*self._session_parts(2), "", "", ""][:4]
        fixed = " · ".join(part for part in (where, role) if part)
        left = room - len(printable(fixed)) - 3
        if name and left >= 8:
            shown_name = printable(name)
            cut = shown_name if len(shown_name) <= left else shown_name[: left - 1] + "…"
            return False, f"{fixed} · {cut}"
        return False, fixed

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's line, as plain text with every unsafe character escaped.

        The sub-title holds the server's words (the account's role, name and
        organization) and the user's (profile, URL): an ``ESC`` there would reach the
        terminal from the header on every frame. Built here rather than by Textual's
        (which does not escape), with its layout: the title, a dim " — ", the dim sub-title.
        Where the line would not fit, it is shortened by :meth:`_session_parts`'s steps,
        then the app's own name goes, before the role or the host would be cut.
        """
        if sub_title and sub_title == self._describe_session():
            keep_name, sub_title = self._fitted_sub_title(max(20, self.size.width - HEADER_CHROME))
            if not keep_name:
                return Content(printable(sub_title)).stylize("dim")
        title_content = Content(printable(title))
        if not sub_title:
            return title_content
        return Content.assemble(title_content, (" — ", "dim"), (printable(sub_title), "dim"))

    keyboard_focus: Widget | None = None
    """Where the last Tab or Shift+Tab moved focus: an input selects its text only then."""

    def action_focus_next(self) -> None:
        self.keyboard_focus = self.screen.focus_next()

    def action_focus_previous(self) -> None:
        self.keyboard_focus = self.screen.focus_previous()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action of ours by name, and the theme; not Textual's
        own quit, keys, maximize and screenshot (see :mod:`tui.palette`)."""
        yield SystemCommand("Theme", "Change the colours of the app", self.action_change_theme)
        yield SystemCommand(
            "Quit", "Quit; asks first when there are unsaved changes (ctrl+q)", self.action_quit
        )
        focused = screen.focused  # e.g. the numbers table: its keys by name too
        for binding in getattr(focused, "BINDINGS", ()) if focused is not None else ():
            if isinstance(binding, Binding) and binding.show and binding.tooltip:
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip} ({binding.key})",
                    partial(focused.run_action, binding.action),
                )
        editor = next((s for s in self.screen_stack if isinstance(s, EditorScreen)), None)
        if editor is None:
            return
        for binding in editor.BINDINGS:  # every documented action (those with a tooltip)
            if not (isinstance(binding, Binding) and binding.tooltip):
                continue
            action = _action_for(editor, binding)
            if editor.check_action(action, ()) is False:
                continue  # as the footer: nothing loaded, no Save (issue 18, item 9)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip} ({binding.key})",
                partial(editor.run_action, action),
            )

    def get_default_screen(self) -> Screen:
        """The editor is the app's base screen: pushing it over Textual's blank default
        composed and styled one more screen before the first frame (~15 ms)."""
        return EditorScreen()

    def on_mount(self) -> None:
        self.sub_title = self._describe_session()

    def exit_when_drawn(self) -> None:
        """Exit, but only once what is being mounted now has been drawn.

        A signal (``kill``, a lost terminal) can land while the editor is being mounted;
        exiting right then removes widgets that Textual is still setting up, and it
        prints its own traceback on the way out (seen with the provider's Select). After
        the next refresh the mount is complete and the exit is clean.
        """
        self.call_after_refresh(self.exit)

    def activity(self) -> str:
        """What a signal would cut short now, for the line printed once the app has closed."""
        editor = next((s for s in self.screen_stack if isinstance(s, EditorScreen)), None)
        if editor is not None and editor.busy == "saving":
            return (
                f"saving to {self.target_label}: its outcome is unknown — check with "
                "`tether-voice show`"
            )
        return "running the app"

    async def on_unmount(self) -> None:
        await self.client.aclose()

    async def action_quit(self) -> None:
        """Quit, asking first when leaving would lose edits or abandon a save in flight."""
        from tui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return  # a question is already on screen: answer it first
        editor = next((s for s in self.screen_stack if isinstance(s, EditorScreen)), None)
        question = editor.quit_question() if editor else None
        if question is None:
            self.exit()
            return
        self.push_screen(ConfirmScreen(*question), lambda yes: self.exit() if yes else None)


def _action_for(screen: Screen[object], shown: Binding) -> str:
    """What the shown binding's key runs now: its own action, or, when that is switched
    off (ctrl+l's "sign in" outside the footer), the hidden binding of the same key."""
    if screen.check_action(shown.action, ()) is not False:
        return shown.action
    twins = (
        binding
        for binding in screen.BINDINGS
        if isinstance(binding, Binding) and binding.key == shown.key and not binding.show
    )
    for twin in twins:
        if screen.check_action(twin.action, ()) is not False:
            return twin.action
    return shown.action

"""Sign in: email and password, or a pasted token for SSO accounts with no password."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pydantic import SecretStr
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from tui.api.auth import SignedIn, fetch_profile, login
from tui.api.failures import ApiFailure
from tui.api.transport import token_problem
from tui.printable import printable_lines
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown
from tui.widgets.status_panel import Outcome, StatusPanel, Tone
from tui.widgets.steady_input import SteadyInput

if TYPE_CHECKING:
    from tui.api.client import ConnectionSettings
    from tui.app import VoiceConfigApp
    from tui.auth.token_store import TokenStore


ENV_TOKEN_NOTE = (
    "This session started with TETHER_TOKEN; a sign-in here lasts for this session. "
    "TETHER_TOKEN is used first at every start: put a fresh token in it for next time."
)


class SignInScreen(ModalScreen[SignedIn | None]):
    """Ask for credentials; dismiss with the new token and its user, or None on escape.

    The password lives only in its input and in the login request's bytes: it is never
    stored. The token is kept by the app for the session, and written to the OS keyring
    only when the user ticks "Remember" — offered only where a keyring works.
    """

    app: VoiceConfigApp

    BINDINGS = [
        # Priority: cancelled as the key arrives, so keys typed right after reach the editor.
        Binding("escape", "cancel", "Cancel", id="signin.cancel", priority=True),
        # Enter in the email box moves to the password as the key arrives (priority), not
        # when the box's Submitted message is handled: over a slow link the password comes
        # in the same burst, and its keys would land in the Email box, in clear text.
        Binding("enter", "to_password", "Next", show=False, priority=True, id="signin.to_password"),
    ]

    def __init__(
        self,
        connection: ConnectionSettings,
        target: str,
        reason: str,
        store: TokenStore | None = None,
        token_entry: str | None = None,
        *,
        token_from_env: bool = False,
    ) -> None:
        super().__init__()
        self.token_from_env = token_from_env
        self.connection = connection
        self.target = target
        self.reason = reason
        self.store = store
        self.token_entry = token_entry

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-dialog", classes="dialog"):
            yield Static(shown(f"Sign in to {self.target}"), classes="dialog-title")
            yield Static(shown(self.reason), id="signin-reason")
            with Horizontal(classes="signin-row"):
                yield Label("Email", classes="signin-label")
                yield SteadyInput(id="signin-email", compact=True, placeholder="you@example.com")
            with Horizontal(classes="signin-row"):
                yield Label("Password", classes="signin-label")
                yield SteadyInput(id="signin-password", password=True, compact=True)
            yield Static("or, for an SSO account with no password:", classes="signin-or")
            with Horizontal(classes="signin-row"):
                yield Label("Paste a token", classes="signin-label")
                yield SteadyInput(id="signin-token", password=True, compact=True)
            yield Checkbox(_remember_label(False), id="signin-remember", compact=True)
            yield Static("", id="signin-keyring-note")
            yield StatusPanel(id="signin-status")
            yield Static(
                "enter: sign in (from the password or the token)   escape: cancel",
                classes="dialog-keys",
            )
        yield QuietFooter()

    SHORT = 30
    """Below this many rows the dialog drops its blank lines: at 24, with the keyring's
    note and a three-line error, the error's last line and the keys were cut off."""

    def on_resize(self) -> None:
        self.set_class(self.size.height < self.SHORT, "-short")

    def on_mount(self) -> None:
        self.query_one("#signin-remember").display = False
        self.query_one(StatusPanel).outcome = Outcome.of(Tone.INFO, "The password is never stored.")
        self.check_keyring()

    @work(exclusive=True, group="keyring")
    async def check_keyring(self) -> None:
        """Keyring discovery can hang: awaited with the keyring deadline, off the UI thread.

        A keyring that timed out, failed or would prompt earlier this session is not
        asked again: its problem is known, and said here instead of offering "Remember".
        """
        available = self.store is not None and await self.store.available_async()
        remember = self.query_one("#signin-remember", Checkbox)
        remember.display = available
        note = ""
        if self.token_from_env:
            # The advice to "set TETHER_TOKEN" would be wrong: it is set, and it wins
            # over the keyring at the next start (issue 18, item 8).
            note = ENV_TOKEN_NOTE
        elif not available:
            from tui.auth.token_store import NO_KEYRING_ADVICE

            problem = self.store.problem if self.store is not None else None
            note = problem.advice if problem is not None else NO_KEYRING_ADVICE
        if note:
            self.query_one("#signin-keyring-note", Static).update(shown(note))

    @on(Checkbox.Changed, "#signin-remember")
    def _remember_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _remember_label(event.value)

    @property
    def status(self) -> StatusPanel:
        return self.query_one(StatusPanel)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_password":  # elsewhere enter keeps its meaning (submit, tick)
            return self.focused is not None and self.focused.id == "signin-email"
        return True

    def action_to_password(self) -> None:
        self.set_focus(self.query_one("#signin-password"))

    @on(Input.Submitted, "#signin-password")
    def _submit_password(self) -> None:
        email = self.query_one("#signin-email", Input).value.strip()
        password = self.query_one("#signin-password", Input).value
        if not email or not password:
            self.status.outcome = Outcome.of(
                Tone.WARNING, "Give both the email and the password, or paste a token."
            )
            return
        self.sign_in_with_password(email, SecretStr(password))

    @on(Input.Submitted, "#signin-token")
    def _submit_token(self) -> None:
        # Surrounding whitespace can never be part of a bearer token: a paste accident.
        token = SecretStr(self.query_one("#signin-token", Input).value.strip())
        problem = token_problem(token) if token.get_secret_value() else "it is empty"
        if problem:
            self.status.outcome = Outcome.of(Tone.WARNING, f"That token cannot be used: {problem}.")
            return
        self.use_pasted_token(token)

    @work(exclusive=True, group="sign-in")
    async def sign_in_with_password(self, email: str, password: SecretStr) -> None:
        self.status.outcome = Outcome.of(Tone.BUSY, f"Signing in to {self.target}…")
        result = await login(
            self.connection.base_url,
            email,
            password,
            connect_timeout=self.connection.connect_timeout,
            read_timeout=self.connection.read_timeout,
            ca_bundle=self.connection.ca_bundle,
            client=self.app.client,
        )
        if isinstance(result, ApiFailure):
            self.status.outcome = Outcome.failure(result, "Sign-in failed: ")
            return
        await self._finish(result)

    @work(exclusive=True, group="sign-in")
    async def use_pasted_token(self, token: SecretStr) -> None:
        self.status.outcome = Outcome.of(Tone.BUSY, "Checking the token…")
        user = await fetch_profile(replace(self.connection, token=token), client=self.app.client)
        if isinstance(user, ApiFailure):
            prefix = "Token rejected: " if user.status == 401 else "Could not check the token: "
            self.status.outcome = Outcome.failure(user, prefix)
            return
        await self._finish(SignedIn(token, user))

    async def _finish(self, signed: SignedIn) -> None:
        remember = self.query_one("#signin-remember", Checkbox)
        if remember.display and remember.value and self.store and self.token_entry:
            saved = await self.store.save_async(self.token_entry, signed.token)
            if not saved:
                problem = self.store.problem
                why = problem.cause if problem is not None else "the keyring refused the token"
                self.app.notify(
                    printable_lines(
                        f"{why[0].upper()}{why[1:]}: the token is kept for this session only."
                    ),
                    severity="warning",
                    markup=False,  # the keyring's own words are in it
                )
        self.dismiss(signed)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _remember_label(on: bool) -> Text:
    """The checkbox's state in words too: its mark differs only by colour."""
    return Text(f"Remember in the OS keyring: {'yes' if on else 'no'}")

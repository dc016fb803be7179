"""The editor's sign-in parts: the token before the first load, who it belongs to, sign-in.

A mixin of :class:`~tui.screens.editor.EditorScreen`, kept apart so that the editor stays
about the form. Before the first load the token must be ready: ``TETHER_TOKEN`` (or the
demo's), else one looked up in the keyring once the first frame is on screen (it may
hang: at most its deadline), checked with verify-token; else the sign-in screen. A 401
later brings the sign-in screen too, and the request that met it runs again after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api.auth import fetch_profile, verify_token
from tui.api.failures import ApiFailure
from tui.auth.token_source import NO_TOKEN_REASON, find_stored_token, looking_message
from tui.widgets.status_panel import Outcome, Tone

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.api.auth import SignedIn
    from tui.screens.editor import EditorScreen

UNAUTHORIZED_REASON = (
    "The server refused the token (401): it has expired, or the account is not a "
    "superadmin. Sign in again; your edits are kept and the request is retried."
)


class EditorSignIn:
    """The token and sign-in flow of the editor; see the module docstring."""

    _needs_sign_in = False
    """The user declined to sign in: ctrl+l is shown in the footer as the next step."""

    async def _who_is_signed_in(self: EditorScreen, loaded: str) -> None:
        """The header's account, asked after the load so the first useful frame is not delayed."""
        if self.app.user is None:
            user = await fetch_profile(self.app.client.settings, client=self.app.client)
            if not isinstance(user, ApiFailure):
                self.app.user = user
        user = self.app.user
        if user is not None and user.save_warning:
            self.status.outcome = Outcome.of(Tone.WARNING, loaded, user.save_warning)

    async def _token_ready(self: EditorScreen) -> bool:
        """A token to send, checked once if it came from the keyring; else ask to sign in."""
        client = self.app.client
        reason = NO_TOKEN_REASON
        if not client.has_token and self.app.look_in_keyring:
            self.app.look_in_keyring = False  # once: after a sign-in the token is in hand
            self.status.outcome = Outcome.of(Tone.BUSY, looking_message(self.app.store))
            stored = await find_stored_token(self.app.store, self.app.token_entry)
            if stored.token is not None:
                client.use_token(stored.token)
                self.app.verify_first = True
            reason = stored.reason
        if not client.has_token:
            self.status.outcome = Outcome.of(Tone.INFO, "Not signed in yet.")
            self.request_sign_in(reason, retry=self.load_config)
            return False
        if self.app.verify_first:
            self.status.outcome = Outcome.of(Tone.BUSY, "Checking the stored token…")
            verdict = await verify_token(client.settings, client=client)
            self.app.verify_first = False
            if verdict is False:
                self.request_sign_in(
                    "The token stored in the keyring was refused: it has expired or been "
                    "revoked. Sign in again.",
                    retry=self.load_config,
                )
                return False
        return True

    def request_sign_in(
        self: EditorScreen, reason: str, retry: Callable[[], object] | None = None
    ) -> None:
        """Show the sign-in screen over the editor; edits stay put, and ``retry`` runs after."""
        from tui.screens.sign_in import SignInScreen

        app = self.app
        screen = SignInScreen(
            app.client.settings,
            app.target_label,
            reason,
            app.store,
            app.token_entry,
            token_from_env=app.token_from_env,
        )

        def done(signed: SignedIn | None) -> None:
            if signed is None:
                self._needs_sign_in = True
                self.refresh_bindings()
                if not self.status.outcome.lines[0].startswith(("Load failed", "Save failed")):
                    self.status.outcome = Outcome.of(
                        Tone.WARNING, "Not signed in.", "Next: ctrl+l to sign in."
                    )
                return
            self._needs_sign_in = False
            self.refresh_bindings()
            app.signed_in(signed)
            done_line = f"Signed in as {signed.user.display_name}."
            warning = signed.user.save_warning  # as at startup: a non-superadmin is told
            self.status.outcome = (
                Outcome.of(Tone.WARNING, done_line, warning)
                if warning
                else Outcome.of(Tone.SUCCESS, done_line)
            )
            if retry is not None:
                retry()

        app.push_screen(screen, done)

    def action_sign_in(self: EditorScreen) -> None:
        retry = self.load_config if self.form is None else None
        self.request_sign_in("Sign in with another account or a fresh token.", retry=retry)

    def action_sign_in_again(self: EditorScreen) -> None:
        """ctrl+l when the footer does not show it (see the editor's bindings)."""
        self.action_sign_in()

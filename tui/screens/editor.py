"""The main screen: summary, form, change counter, status. Renders and dispatches only.

Data flows one way: a load gives a :class:`FormState`; edits make new states; the
review shows ``state.changes()``; the save sends ``build_save_request(state)``; the
outcome lands in the status panel. Deciding what is sent lives in ``tui.form``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.api.failures import ApiFailure
from tui.form.body import build_save_request
from tui.form.fields import FIELDS
from tui.form.masking import MASK
from tui.form.state import FormState
from tui.screens.confirm import ConfirmScreen
from tui.screens.review import ReviewScreen
from tui.widgets.config_summary import ConfigSummary
from tui.widgets.field_row import FieldRow
from tui.widgets.status_panel import Outcome, StatusPanel, Tone

if TYPE_CHECKING:
    from tui.api.models import SaveRequest
    from tui.app import VoiceConfigApp


class EditorScreen(Screen[None]):
    """View and edit one organization's Voice AI configuration."""

    app: VoiceConfigApp

    BINDINGS = [
        Binding("ctrl+s", "review", "Review & save", id="editor.save"),
        Binding("ctrl+r", "reload", "Reload", id="editor.reload"),
        Binding("ctrl+t", "toggle_reveal", "Show/hide secret", id="editor.reveal"),
    ]

    form: reactive[FormState | None] = reactive(None, always_update=True)
    """None until the first successful load."""
    busy: reactive[str] = reactive("")
    """"loading" or "saving" while a request is in flight; the form is locked meanwhile."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield ConfigSummary("Not loaded yet.", id="summary")
        with VerticalScroll(id="form", can_focus=False):
            for spec in FIELDS:
                yield FieldRow(spec)
        yield Static("", id="change-counter")
        yield StatusPanel(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#form").border_title = "Edit"
        self.query_one("#summary").border_title = "On the server now"
        self.query_one("#status").border_title = "Status"
        self._set_form_enabled(False)
        self.load_config()

    # ----- state → widgets -------------------------------------------------------

    @property
    def status(self) -> StatusPanel:
        return self.query_one(StatusPanel)

    @property
    def unsaved_count(self) -> int:
        return self.form.change_count if self.form else 0

    def watch_form(self, form: FormState | None) -> None:
        count = self.unsaved_count
        counter = self.query_one("#change-counter", Static)
        if form is None:
            counter.update("")
        elif count:
            counter.update(
                f"● {count} unsaved change{'s' if count != 1 else ''} · ctrl+s to review"
            )
        else:
            counter.update("No unsaved changes")
        counter.set_class(bool(count), "-dirty")
        if form is not None:
            for row in self.query(FieldRow):
                row.changed = form.is_changed(row.spec.wire_name)

    def watch_busy(self, busy: str) -> None:
        self._set_form_enabled(not busy and self.form is not None)
        self.refresh_bindings()

    def _show_loaded(self, form: FormState) -> None:
        """Replace the form wholesale (after a load or a save) and redraw every field."""
        self.form = form
        self.query_one(ConfigSummary).show_config(form.loaded)
        for row in self.query(FieldRow):
            row.show_state(form)

    def _set_form_enabled(self, enabled: bool) -> None:
        self.query_one("#form").disabled = not enabled

    # ----- widgets → state -------------------------------------------------------

    @on(FieldRow.Edited)
    def _field_edited(self, event: FieldRow.Edited) -> None:
        if self.form is not None:
            self.form = self.form.with_value(event.wire_name, event.value)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
        row = self._focused_row()
        self.query_one("#form").border_subtitle = row.spec.hint if row else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("review", "reload") and self.busy:
            return None  # shown, but greyed out: one request at a time
        if action == "toggle_reveal":
            return True if self._focused_secret_row() else None
        return True

    def _focused_row(self) -> FieldRow | None:
        parent = self.focused.parent if self.focused else None
        return parent if isinstance(parent, FieldRow) else None

    def _focused_secret_row(self) -> FieldRow | None:
        row = self._focused_row()
        return row if row and row.spec.masked else None

    # ----- actions ---------------------------------------------------------------

    def action_toggle_reveal(self) -> None:
        row = self._focused_secret_row()
        if row is not None:
            row.toggle_reveal()

    def action_review(self) -> None:
        if self.busy or self.form is None:
            if self.form is None:
                self.status.outcome = Outcome.of(
                    Tone.WARNING,
                    "Nothing to save: the configuration is not loaded.",
                    "Next: reload (ctrl+r).",
                )
            return
        if not self.form.change_count:
            self.status.outcome = Outcome.of(
                Tone.INFO, "Nothing to save: no field was changed. Nothing was sent."
            )
            return
        form = self.form
        request = build_save_request(form)
        review = ReviewScreen(form.changes(), request.redacted_body(MASK), self.app.target_label)

        def confirmed(send: bool | None) -> None:
            if send and self.form is form and not self.busy:
                self.save_config(request, form)
            elif not send:
                self.status.outcome = Outcome.of(
                    Tone.INFO, "Review closed: nothing was sent. Your edits are kept."
                )

        self.app.push_screen(review, confirmed)

    def action_reload(self) -> None:
        if self.busy:
            return
        if self.unsaved_count:
            count = self.unsaved_count
            self.app.push_screen(
                ConfirmScreen(
                    f"Reload and discard {count} unsaved change{'s' if count != 1 else ''}?",
                    "The form will show what the server holds now.",
                ),
                lambda yes: self.load_config() if yes else None,
            )
        else:
            self.load_config()

    # ----- I/O (workers) ---------------------------------------------------------

    @work(exclusive=True, group="api")
    async def load_config(self) -> None:
        self.busy = "loading"
        self.status.outcome = Outcome.of(
            Tone.BUSY, f"Loading the configuration from {self.app.target_label}…"
        )
        try:
            result = await self.app.client.load()
        finally:
            self.busy = ""
        if isinstance(result, ApiFailure):
            prefix = "Load failed: " if self.form is None else "Reload failed (form unchanged): "
            self.status.outcome = Outcome.failure(result, prefix)
            return
        first_load = self.form is None
        self._show_loaded(FormState.from_loaded(result))
        self._set_form_enabled(True)
        if first_load:
            self.query_one(FieldRow).editor.focus()
        self.status.outcome = Outcome.of(
            Tone.SUCCESS, f"Loaded the configuration from {self.app.target_label}."
        )

    @work(exclusive=True, group="api")
    async def save_config(self, request: SaveRequest, form: FormState) -> None:
        count = form.change_count
        self.busy = "saving"
        self.status.outcome = Outcome.of(
            Tone.BUSY, f"Saving {count} field{'s' if count != 1 else ''}… the form is locked."
        )
        try:
            saved = await self.app.client.save(request)
            if isinstance(saved, ApiFailure):
                self.status.outcome = Outcome.failure(saved, "Save failed: ")
                return
            said = saved.message or "saved"
            self._show_loaded(form.after_save())
            self.status.outcome = Outcome.of(
                Tone.BUSY, f"Server: {said}. Re-reading the configuration…"
            )
            reloaded = await self.app.client.load()
        finally:
            self.busy = ""
        if isinstance(reloaded, ApiFailure):
            self.status.outcome = Outcome.of(
                Tone.WARNING,
                f"Saved — server said: {said}. But re-reading failed: {reloaded.summary}",
                "The flags shown may be out of date: reload (ctrl+r) before editing further.",
            )
            return
        self._show_loaded(FormState.from_loaded(reloaded))
        unconfirmed = form.unconfirmed_after_save(reloaded)
        if unconfirmed:
            self.status.outcome = Outcome.of(
                Tone.WARNING,
                f"Saved — server said: {said}. But the re-read differs for: "
                + ", ".join(unconfirmed),
                "The server may have normalised the value, or someone else changed it: "
                "check the form, which now shows what the server holds.",
            )
            return
        self.status.outcome = Outcome.of(
            Tone.SUCCESS,
            f"Saved — server said: {said}",
            f"Re-read from the server: {count} change{'s' if count != 1 else ''} confirmed.",
        )

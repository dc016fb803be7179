"""The main screen: summary, form, change counter, status. Renders and dispatches only.

Data flows one way: a load gives a :class:`FormState`; edits make new states; the
review shows ``state.changes()``; the save sends ``build_save_request(state)``; the
outcome lands in the status panel. Deciding what is sent lives in ``tui.form``.

What only the review, the save or a question needs (the body builder, drift checks,
the review and confirm screens) is imported where it is used, after the first frame.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from tui.api.failures import NOTHING_TO_KEEP, ApiFailure
from tui.form.fields import FIELDS
from tui.form.masking import MASK
from tui.form.state import FormState
from tui.screens.editor_health import EditorHealth
from tui.screens.editor_numbers import EditorNumbers
from tui.screens.editor_sign_in import UNAUTHORIZED_REASON, EditorSignIn
from tui.screens.paint_once import PaintOnce
from tui.widgets.config_summary import ConfigSummary
from tui.widgets.field_input import FieldInput
from tui.widgets.field_row import FieldRow
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown
from tui.widgets.status_panel import Outcome, StatusPanel, Tone

if TYPE_CHECKING:
    from tui.api.models import SaveRequest, VoiceAiConfig
    from tui.app import VoiceConfigApp


SHORT_BELOW = 24
"""Rows under which the summary gives way to the status (``-short`` in ``app.tcss``):
at 80x24 both fit whole, with the form in one place whatever the status says."""

NEEDS_LOADED = frozenset({"review", "toggle_reveal", "phone_numbers", "health"})
"""Actions with nothing to act on before the configuration has loaded: left out of the
footer and the palette until it has (a failed first load offered Save and Reveal)."""


class EditorScreen(PaintOnce, EditorNumbers, EditorHealth, EditorSignIn, Screen[None]):
    """View and edit one organization's Voice AI configuration."""

    app: VoiceConfigApp

    AUTO_FOCUS = ""
    """The first load focuses the first field. Textual's own auto-focus would pick it while
    the form is still hidden, and keys would then reach a field nobody can see."""

    BINDINGS = [
        Binding(
            "ctrl+s",
            "review",
            "Save",
            tooltip="Review exactly what will be sent, then send it",
            id="editor.save",
        ),
        Binding(
            "ctrl+r",
            "reload",
            "Reload",
            tooltip="Load the configuration from the server again",
            id="editor.reload",
        ),
        Binding(
            "ctrl+t",
            "toggle_reveal",
            "Reveal",
            tooltip="Show or hide the focused secret (hidden again when focus leaves)",
            id="editor.reveal",
        ),
        Binding(
            "ctrl+n",
            "phone_numbers",
            "Numbers",
            tooltip="The phone numbers: switch AI on or off, choose their agents",
            id="editor.numbers",
        ),
        Binding(
            "ctrl+g",
            "health",
            "Health",
            tooltip="Will the AI calls work? Check every hop of every number, read-only",
            id="editor.health",
        ),
        Binding(
            "ctrl+l",
            "sign_in",
            "Sign in",
            tooltip="Sign in with another account or a fresh token",
            id="editor.sign_in",
        ),
        # The same key, always on but never in the footer: Textual has no "enabled but
        # hidden" answer from check_action, and ctrl+l must work at any time, not only
        # when the footer offers it as the next step.
        Binding("ctrl+l", "sign_in_again", "Sign in", show=False, id="editor.sign_in_any"),
        Binding(
            "ctrl+o",
            "undo_field",
            "Undo",
            tooltip="Put the focused field back to its value as loaded; other edits stay",
            # Not in the footer: it would appear on a field's first change, and redrawing
            # the footer then cost 1.9 KB on that keystroke (the target is 600 B). Help
            # and the palette list it.
            show=False,
            id="editor.undo_field",
        ),
        Binding(
            "f1", "help", "Help", tooltip="List all the keys and what they do", id="editor.help"
        ),
        Binding("question_mark", "help", "Help", show=False, id="editor.help_alt"),
    ]

    WIDE = (140, 40)
    """At least this many columns and rows: the phone numbers show beside the form."""

    # repaint=False: the watchers redraw exactly the widgets that changed; a repaint of
    # the whole screen per keystroke cost ~12 KB of terminal output over SSH.
    form: reactive[FormState | None] = reactive(None, always_update=True, repaint=False)
    """None until the first successful load."""
    busy: reactive[str] = reactive("", repaint=False)
    """"loading", "checking" (the re-read before a review, and while the review is open) or
    "saving" while a request is in flight; the form is locked meanwhile."""
    # Textual repaints the whole screen when focus moves (13 KB per Tab at 100x30); the
    # widgets gaining and losing focus restyle and redraw themselves, which is enough.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    _focus_before_lock: Widget | None = None
    _at_launch: VoiceAiConfig | ApiFailure | None = None

    def compose(self) -> ComposeResult:
        # Sent at launch and already back: in the first frame, and in the widgets as built.
        self._at_launch = self.app.client.loaded_at_launch()
        built_with = None
        if self._at_launch is not None and not isinstance(self._at_launch, ApiFailure):
            built_with = FormState.from_loaded(self._at_launch)
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield ConfigSummary("Not loaded yet.", id="summary")
                # Invisible, not disabled, until the first load: showing it again repaints
                # its own region, where enabling restyles every field (~30 ms at startup).
                # Its space is kept, so nothing below it moves when it appears.
                with VerticalScroll(id="form", can_focus=False) as form:
                    form.visible = False
                    for spec in FIELDS:
                        yield FieldRow(spec, built_with)
                with Horizontal(id="info-line"):
                    yield Static("", id="change-counter")
                    yield Static("", id="field-help")
                yield StatusPanel(id="status")
            yield Vertical(id="numbers-panel")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#form").border_title = "Edit"
        self.query_one("#summary").border_title = "On the server now"
        self.query_one("#status").border_title = "Status"
        self.query_one("#numbers-panel").border_title = "Phone numbers"
        if self._at_launch is None:
            self.load_config()
        else:
            loaded = self._show_load(self._at_launch)
            if loaded:
                self.run_worker(self._who_is_signed_in(loaded), group="api", exclusive=True)

    def on_resize(self) -> None:
        wide_w, wide_h = self.WIDE
        wide = self.size.width >= wide_w and self.size.height >= wide_h
        self.set_class(wide, "-wide")
        self.set_class(self.size.height < SHORT_BELOW, "-short")
        self._show_numbers_panel()

    # ----- state → widgets -------------------------------------------------------

    @property
    def status(self) -> StatusPanel:
        return self.query_one(StatusPanel)

    @property
    def unsaved_count(self) -> int:
        return self.form.change_count if self.form else 0

    def quit_question(self) -> tuple[str, str] | None:
        """What to ask before quitting, or None when quitting loses nothing."""
        if self.busy == "saving":
            return (
                "A save is in flight. Quit anyway?",
                "If you leave now, whether it was applied is unknown: "
                "open the app again and check before saving again.",
            )
        return self.numbers_quit_question(self.unsaved_count)

    def watch_form(self, form: FormState | None) -> None:
        count = self.unsaved_count
        counter = self.query_one("#change-counter", Static)
        if form is None:
            text = ""
        elif count:
            text = f"● {count} unsaved · ctrl+s"  # the hint beside it needs the rest of 80
        else:
            text = "No unsaved changes"
        if str(counter.content) != text:  # redraw only on a change, to spare slow links
            counter.update(shown(text), layout=False)  # fixed width: no layout, no extra frame
        counter.set_class(bool(count), "-dirty")
        if form is not None:
            for row in self.query(FieldRow):
                row.changed = form.is_changed(row.spec.wire_name)
                row.warned = bool(form.warnings(row.spec.wire_name))
            self._show_field_help()

    def watch_busy(self, busy: str) -> None:
        self._set_form_enabled(not busy and self.form is not None)
        self.refresh_bindings()

    def _show_loaded(self, form: FormState, *, fresh: bool = True) -> None:
        """Replace the form wholesale (after a load or a save) and redraw every field."""
        self.form = form
        self.query_one(ConfigSummary).show_config(form.loaded)
        self._numbers_loaded(form.loaded, fresh)
        for row in self.query(FieldRow):
            row.show_state(form)

    def _set_form_enabled(self, enabled: bool) -> None:
        """Lock or unlock the form, putting focus back where it was after a lock."""
        forms = self.query("#form")
        if not forms:
            return  # the screen is being taken down: a load cancelled as the app exits
        form = forms.first()
        if not form.visible:
            return  # not loaded yet: nothing on screen to edit, nothing to lock
        if not enabled and not form.disabled and self.focused is not None:
            self._focus_before_lock = self.focused
        form.disabled = not enabled
        if enabled and self.focused is None and self._focus_before_lock is not None:
            self.set_focus(self._focus_before_lock)
            self._focus_before_lock = None

    # ----- widgets → state -------------------------------------------------------

    @on(FieldRow.Edited)
    def _field_edited(self, event: FieldRow.Edited) -> None:
        if self.form is not None:
            self.form = self.form.with_value(event.wire_name, event.value)

    @on(FieldInput.PasteNotice)
    def _paste_notice(self, notice: FieldInput.PasteNotice) -> None:
        tone = Tone.WARNING if notice.refused else Tone.INFO
        row = notice.input.parent
        label = row.spec.label if isinstance(row, FieldRow) else "Field"
        self.status.outcome = Outcome.of(tone, f"{label}: {notice.text}")

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
        self._show_field_help()

    def _show_field_help(self) -> None:
        """Under the form: the focused field's warnings if it has any, else its hint."""
        row = self._focused_row()
        help_text = ""
        if row is not None:
            warnings = self.form.warnings(row.spec.wire_name) if self.form else []
            help_text = f"⚠ {'; '.join(warnings)}" if warnings else row.spec.hint
        line = self.query_one("#field-help", Static)
        text = shown(help_text)  # a warning may quote what was typed
        if str(line.content) != text.plain:  # one line redrawn, and only on a change
            line.update(text, layout=False)
            line.set_class(help_text.startswith("⚠"), "-warning")

    def _loading_for(self, load: int, started: float) -> None:
        """Each second of a slow load: how long, and the way out (issue 18, item 9)."""
        if self.busy != "loading" or self._loads != load:
            return
        seconds = int(time.monotonic() - started)
        self.status.outcome = Outcome.of(
            Tone.BUSY,
            f"Loading the configuration from {self.app.target_label}… {seconds} s",
            f"Next: wait (the request's deadline is {self.app.client.settings.read_timeout:g} s), "
            "or ctrl+r to send it again.",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_LOADED and self.form is None:
            return False  # nothing loaded: not offered (issue 18, item 9)
        if action == "reload" and self.busy == "loading":
            return True  # a load that hangs is cancelled and sent again
        if action in ("review", "reload") and self.busy:
            return None  # shown, but greyed out: one request at a time
        if action == "toggle_reveal":  # in the footer only on a secret: 80 columns are few
            return bool(self._focused_secret_row())
        if action == "undo_field":  # only on a changed field
            row = self._focused_row()
            return bool(row and self.form and self.form.is_changed(row.spec.wire_name))
        if action == "sign_in":
            return self._needs_sign_in  # in the footer only when it is the next step
        return True

    def _focused_row(self) -> FieldRow | None:
        parent = self.focused.parent if self.focused else None
        return parent if isinstance(parent, FieldRow) else None

    def _focused_secret_row(self) -> FieldRow | None:
        row = self._focused_row()
        return row if row and row.spec.masked else None

    # ----- actions ---------------------------------------------------------------

    def action_undo_field(self) -> None:
        """Issue 18, item 16: a mistyped field (a ``?`` typed over a selected value) had no
        way back short of reloading every edit."""
        row = self._focused_row()
        if row is None or self.form is None or self.busy:
            return
        self.form = self.form.reverted(row.spec.wire_name)
        row.show_state(self.form)
        self.status.outcome = Outcome.of(
            Tone.INFO, f"{row.spec.label}: back to its value as loaded. Other edits are kept."
        )

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen
        from tui.screens.review import ReviewScreen

        self.app.push_screen(
            HelpScreen(
                [
                    ("Editor", [b for b in self.BINDINGS if isinstance(b, Binding) and b.tooltip]),
                    ("Review", [b for b in ReviewScreen.BINDINGS if isinstance(b, Binding)]),
                    ("Phone numbers (ctrl+n)", self.numbers_help()),
                    ("Health (ctrl+g)", self.health_help()),
                    ("Anywhere", [b for b in self.app.BINDINGS if isinstance(b, Binding)]),
                ]
            )
        )

    def action_toggle_reveal(self) -> None:
        row = self._focused_secret_row()
        if row is not None:
            row.toggle_reveal()

    def action_review(self) -> None:
        if self.busy:
            return
        if self.form is None:
            self.status.outcome = Outcome.of(
                Tone.WARNING,
                "Nothing to save: the configuration is not loaded.",
                "Next: reload (ctrl+r).",
            )
            return
        if not self.form.change_count:
            self.status.outcome = Outcome.of(
                Tone.INFO,
                "Nothing to save: no field was changed. Nothing was sent.",
                *self.pending_numbers_note(),
            )
            return
        self.open_review(self.form)

    @work(exclusive=True, group="api")
    async def open_review(self, form: FormState) -> None:
        """Re-read the server first (there is no ETag), then show exactly what will be sent."""
        # The re-read leaves first: importing the review and locking the form happen
        # while it is on its way, instead of before (over a WAN, a round trip idles).
        rereading = asyncio.ensure_future(self.app.client.load())
        await asyncio.sleep(0)  # let it be sent
        from tui.checks.plan import plan_checks
        from tui.checks.verdict import TrunkDomainFix
        from tui.form.body import build_save_request
        from tui.form.drift import detect_drift, rebase
        from tui.screens.editor_checks import use_trunk_domain
        from tui.screens.review import ReviewScreen

        # Locked from here until the review is answered, and through the save it may
        # start: the form underneath cannot change meanwhile, and is not unlocked and
        # locked again (a restyle of every field each time) between the two.
        self.busy = "checking"
        self.status.outcome = Outcome.of(Tone.BUSY, "Checking the server for changes…")
        try:
            fresh = await rereading  # cancelling the worker cancels the request too
            request = build_save_request(form)
            if isinstance(fresh, ApiFailure):
                drift, recheck_failed = [], fresh.summary
            else:
                drift, recheck_failed = detect_drift(form, fresh), None
            self.status.outcome = Outcome.of(Tone.INFO, "Review open: nothing sent yet.")
            review = ReviewScreen(
                form.changes(None if isinstance(fresh, ApiFailure) else fresh),
                request.redacted_body(MASK),
                self.app.target_label,
                drift=drift,
                recheck_failed=recheck_failed,
                checks=self.app.checks,
                plan=plan_checks(form, probe_writes=self.app.checks.probe_writes),
            )

            def answered(send: bool | TrunkDomainFix | None) -> None:
                if drift and not isinstance(fresh, ApiFailure) and self.form is form:
                    # Untouched fields now show what the server holds; edits are kept.
                    self._show_loaded(rebase(form, fresh))
                if send is True and self.busy == "checking":
                    self.save_config(request, form)
                    return
                self.busy = ""
                if isinstance(send, TrunkDomainFix):
                    use_trunk_domain(self, send)
                elif not send:
                    note = " Untouched fields now show the server's newer values." if drift else ""
                    self.status.outcome = Outcome.of(
                        Tone.INFO, f"Review closed: nothing was sent. Your edits are kept.{note}"
                    )

            self.app.push_screen(review, answered)
        except BaseException:
            self.busy = ""
            raise

    def action_reload(self) -> None:
        """Load again: asks first when edits would be lost. During a load, the request in
        flight is cancelled (the worker is exclusive) and sent again, without asking: the
        form is only replaced when an answer arrives, and that was decided already."""
        if self.busy == "loading":
            self.load_config()
            return
        if self.busy:
            return
        if self.unsaved_count:
            from tui.screens.confirm import ConfirmScreen

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

    _loads = 0
    """Loads started: a cancelled one leaves ``busy`` to the load that replaced it."""

    @work(exclusive=True, group="api")
    async def load_config(self) -> None:
        self._loads += 1
        this_load = self._loads
        if not await self._token_ready():
            if self.busy == "loading":
                self.busy = ""  # a load this one cancelled left it
            return
        self.busy = "loading"
        self.status.outcome = Outcome.of(
            Tone.BUSY, f"Loading the configuration from {self.app.target_label}…"
        )
        ticker = self.set_interval(1.0, partial(self._loading_for, this_load, time.monotonic()))
        try:
            result = await self.app.client.load()  # cancelling the worker cancels it too
        finally:
            ticker.stop()
            if self._loads == this_load:  # not replaced by a newer load meanwhile
                self.busy = ""
        loaded = self._show_load(result)
        if loaded:
            await self._who_is_signed_in(loaded)

    def _show_load(self, result: VoiceAiConfig | ApiFailure) -> str | None:
        """Show a load's outcome; the status line when it succeeded, else None."""
        if isinstance(result, ApiFailure):
            if self.form is None:  # nothing loaded, so nothing typed: no edits to keep
                outcome = Outcome.failure(result, "Load failed: ", NOTHING_TO_KEEP)
            else:
                outcome = Outcome.failure(result, "Reload failed (form unchanged): ")
            self.status.outcome = outcome
            if result.status == 401:
                self.request_sign_in(UNAUTHORIZED_REASON, retry=self.load_config)
            return None
        first_load = self.form is None
        self._show_loaded(FormState.from_loaded(result))
        self._set_form_enabled(True)
        if first_load:
            self.query_one("#form").visible = True
            self.query_one(FieldRow).editor.focus()
        loaded = f"Loaded the configuration from {self.app.target_label}."
        self.status.outcome = Outcome.of(Tone.SUCCESS, loaded)
        return loaded

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
                if saved.status == 401:
                    # Sign in again, then send the very request the user reviewed.
                    self.request_sign_in(
                        UNAUTHORIZED_REASON, retry=lambda: self.save_config(request, form)
                    )
                return
            said = saved.message or "saved"
            self.remember_saved_keys(form)  # the health view offers them from now on
            rereading = asyncio.ensure_future(self.app.client.load())
            await asyncio.sleep(0)  # let it be sent, then show what was saved meanwhile
            from tui.screens.editor_checks import watch_webhook

            watch_webhook(self, form, get_current_worker())
            self._show_loaded(form.after_save(), fresh=False)
            self.status.outcome = Outcome.of(
                Tone.BUSY, f"Server: {said}. Re-reading the configuration…"
            )
            reloaded = await rereading
        finally:
            self.busy = ""
        if isinstance(reloaded, ApiFailure):
            *what, _next = reloaded.lines()
            self.status.outcome = Outcome.of(
                Tone.WARNING,
                f"Saved — server said: {said}. But re-reading it failed:",
                *what,
                "Next: the form shows what was sent; reload (ctrl+r) to see the server's "
                "state before editing further.",
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
        reread = form.reread_after_save(reloaded)
        self.status.outcome = Outcome.of(
            Tone.WARNING if reread.still_unset else Tone.SUCCESS,
            f"Saved — server said: {said}",
            *reread.lines(),
        )

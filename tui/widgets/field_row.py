"""One editable field, built from its row in the field table."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from tui.form.fields import PROVIDER_CHOICES, FieldKind, FieldSpec
from tui.form.state import FormState, configured_status
from tui.widgets.field_input import FieldInput
from tui.widgets.shown import shown, shown_value

NO_PROVIDER = ""
"""The select's value for "no provider" (``null`` on the wire): Select cannot hold ``None``."""

_PLACEHOLDERS = {
    "configured": "configured — type to replace",
    "not set": "not set — type to set",
    "unknown": "server did not say — type to set",
}


class FieldRow(Horizontal):
    """Label, editor and a text marker, so "changed" never relies on colour alone."""

    class Edited(Message):
        """The user changed the field's widget; the screen turns this into a new form state."""

        def __init__(self, wire_name: str, value: str | bool) -> None:
            super().__init__()
            self.wire_name = wire_name
            self.value = value

        def __repr__(self) -> str:  # the value may be a secret
            return f"FieldRow.Edited({self.wire_name!r})"

    # repaint=False: the watchers redraw the label and marker; a repaint of the whole row
    # would send the editor's line down the wire again with each first change.
    changed: reactive[bool] = reactive(False, repaint=False)
    revealed: reactive[bool] = reactive(False, repaint=False)
    warned: reactive[bool] = reactive(False, repaint=False)
    """The value looks mistyped; the warning itself is shown under the form."""

    def __init__(self, spec: FieldSpec, form: FormState | None = None) -> None:
        """``form``: a state to build the editor with (a load already at hand), which
        spares the Select from announcing a first value of its own once mounted."""
        super().__init__(id=f"row-{spec.wire_name}", classes="field-row")
        self.spec = spec
        self._built_with = form

    def compose(self) -> ComposeResult:
        yield Label(shown(self.spec.label), classes="field-label")
        yield self._make_editor()
        yield Static("", classes="field-marker")

    def _make_editor(self) -> Widget:
        editor_id = f"field-{self.spec.wire_name}"
        form = self._built_with
        value = form.plain_value(self.spec.wire_name) if form else None
        match self.spec.kind:
            case FieldKind.PROVIDER:
                loaded = form.loaded.ai_voice_provider if form else None
                options = self._provider_options(loaded)
                initial = (value or NO_PROVIDER) if form else Select.NULL
                return Select[str](
                    options, allow_blank=False, compact=True, id=editor_id, value=initial
                )
            case FieldKind.ACTION:
                return Switch(bool(value), id=editor_id)
            case _:
                return FieldInput(
                    str(value or ""), password=self.spec.masked, compact=True, id=editor_id
                )

    @property
    def editor(self) -> Widget:
        return self.query_one(f"#field-{self.spec.wire_name}")

    @staticmethod
    def _provider_options(loaded: str | None) -> list[tuple[Text, str]]:
        """The known providers, and the server's own when it is another (its name shown
        as plain text, escaped: a Select parses a ``str`` option as markup)."""
        choices = list(PROVIDER_CHOICES)
        if loaded and loaded not in choices:
            choices.append(loaded)
        # "clears it" only where there is something to clear: with none stored, choosing
        # none changes nothing, and the words would say otherwise.
        none = "none (clears it)" if loaded else "none"
        return [(shown(none), NO_PROVIDER), *((shown_value(choice), choice) for choice in choices)]

    def show_state(self, form: FormState) -> None:
        """Put the form's value (and the server's status) into the widget, silently."""
        value = form.plain_value(self.spec.wire_name)
        editor = self.editor
        with self.prevent(Input.Changed, Select.Changed, Switch.Changed):
            if isinstance(editor, Select):
                editor.set_options(self._provider_options(form.loaded.ai_voice_provider))
                editor.value = value or NO_PROVIDER
            elif isinstance(editor, Switch):
                editor.value = bool(value)
            elif isinstance(editor, Input):
                editor.value = str(value or "")
                if not self.spec.loaded_from_server:
                    status = configured_status(form.loaded, self.spec)
                    editor.placeholder = _PLACEHOLDERS.get(status, "")
        self.changed = form.is_changed(self.spec.wire_name)
        self._refresh_marker()

    def toggle_reveal(self) -> None:
        if self.spec.masked:
            self.revealed = not self.revealed

    def watch_revealed(self, revealed: bool) -> None:
        editor = self.editor
        if self.spec.masked and isinstance(editor, Input):
            editor.password = not revealed
        self._refresh_marker()

    def watch_changed(self) -> None:
        # On the label and marker, not the row: a class on the row restyles (and redraws)
        # its editor too, ~300 more bytes on the keystroke that first changes a field.
        for part in self.query(".field-label, .field-marker"):
            part.set_class(self.changed, "-changed")
        self._refresh_marker()

    def watch_warned(self) -> None:
        self._refresh_marker()

    def _refresh_marker(self) -> None:
        if not self.is_mounted:
            return
        if self.spec.kind is FieldKind.ACTION:
            text = "● ON" if self.changed else "off"
        else:
            word = "shown" if self.revealed else "changed" if self.changed else ""
            text = f"{'● ' if self.changed else ''}{word}"
        if self.warned:
            text = f"{text} ⚠".strip()
        # Fixed size (see .field-marker in app.tcss): no layout pass, no extra frame.
        self.query_one(".field-marker", Static).update(shown(text), layout=False)

    def on_mount(self) -> None:
        self._refresh_marker()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | Switch.Changed) -> None:
        event.stop()
        value = event.value
        self.post_message(self.Edited(self.spec.wire_name, value))  # type: ignore[arg-type]

    def on_descendant_focus(self) -> None:
        """Mark the row that has focus (its label underlined in app.tcss): a mark that does
        not depend on colour, for NO_COLOR and 16-colour terminals."""
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        """Hide a revealed secret as soon as focus leaves it: reveal is for a glance."""
        self.revealed = False
        self.remove_class("-focused")

"""Outside text as Textual shows it: never markup, unsafe characters escaped.

The widgets' half of :mod:`tui.printable`. A ``str`` handed to ``Static``, ``Label``,
a Rich ``Table`` cell or ``notify`` is parsed as markup: ``[@click=app.quit]`` in a
server's string would become a link that runs an app action, and ``[/x]`` would raise
``MarkupError`` and end the app with the user's edits. A :class:`~rich.text.Text` is
never parsed, so every value from outside reaches a widget through :func:`shown`.
``tests/test_markup_sinks.py`` fails when a widget is built from a variable otherwise.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui.printable import printable, printable_lines


def shown(text: str, style: str | Style = "") -> Text:
    """``text`` as plain text (line breaks kept, everything else unsafe escaped)."""
    return Text(printable_lines(text), style=style)


def shown_value(text: str, style: str | Style = "") -> Text:
    """One value on one line: a line break in it is escaped too (``\\n``), so a table
    cell, a summary entry or a title stays the one row it was laid out for."""
    return Text(printable(text), style=style)


def shown_line(*parts: str | tuple[str, str | Style]) -> Text:
    """Pieces of one line, each plain or ``(text, style)``, none parsed as markup."""
    line = Text()
    for part in parts:
        if isinstance(part, tuple):
            line.append(printable_lines(part[0]), style=part[1])
        else:
            line.append(printable_lines(part))
    return line

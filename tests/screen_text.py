"""Read what a screen shows, as plain text, from Textual's SVG export."""

from __future__ import annotations

import html
import re

from textual.app import App


def svg_text(svg: str) -> str:
    """The characters an SVG screenshot shows, with markup gone and spaces restored,
    so a value split across styled spans is still found."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def screen_text(app: App[object]) -> str:
    return svg_text(app.export_screenshot())

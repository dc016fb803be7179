"""The rule for outside text, kept honest: a scan of every widget sink in ``tui/``.

Textual and Rich parse a ``str`` given to a ``Static``, a ``Label``, an ``Option``, a
Rich ``Table`` cell or ``notify`` as markup: a server's ``[@click=app.quit]`` became a
link that ran an app action, and ``[/x]`` crashed the app with the user's edits. A
``rich.text.Text`` is never parsed. So, in every module of ``tui/`` but the demo's
stand-ins, this scan fails on:

- ``markup=True`` anywhere, and ``from_markup(...)`` of anything but a string literal;
- a widget (``Static``, ``Label``, ``Button``, ``Option``, ``Checkbox``, ``Select``…),
  a ``.update(...)`` in a module that uses Textual, a Rich ``add_row`` cell, an option
  list's new options or prompts, a ``Table`` title, a ``Group`` part, or an assignment
  to ``border_title`` / ``tooltip`` / ``label``, given anything but a string literal
  (our own words, markup allowed) or *shown text*;
- ``notify(...)`` of anything but a literal without ``markup=False``, or whose message
  is not *escaped text*;
- ``Text(...)`` / ``Content(...)`` / ``Text.assemble`` parts, and what is appended to a
  ``Text``, that are not *escaped text*: a ``Text`` is never markup, but it writes an
  ``ESC`` to the terminal as it is.

*Escaped text* is a literal, a call to ``printable`` / ``printable_lines`` /
``safe_json``, or an f-string, ``+``, ``" ".join(...)`` or ``a if c else b`` made only of
those. *Shown text* is a call to ``shown`` / ``shown_value`` / ``shown_line``, a
``Text``/``Table``/``Group``/``Content``/``Option`` built here (checked itself), or a call
to a function of ``tui/`` whose return annotation names ``Text``, ``Table``, ``Group`` or
``Content`` (its own body is scanned like the rest). A local name counts as what every
assignment to it in its function (or module) gives it; a parameter or attribute does not
count: wrap it in ``shown(...)`` where it is shown.

What a scan cannot see — text appended to a ``Text`` held in an attribute, a value
reaching a widget some other way — the pilot tests with hostile values
(``tests/test_untrusted_screens.py``) read off the rendered screen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUI = ROOT / "tui"
SKIPPED = (TUI / "demo",)
"""The stand-in servers: they render nothing."""

ESCAPERS = {
    "printable": "tui.printable",
    "printable_lines": "tui.printable",
    "safe_json": "tui.printable",
    "on_screen": "tui.widgets.steady_input",  # one stand-in glyph per unsafe character
}
SHOWERS = {
    "shown": "tui.widgets.shown",
    "shown_value": "tui.widgets.shown",
    "shown_line": "tui.widgets.shown",
}
"""Where each must come from: a function of the same name elsewhere does not count."""
RENDERABLES = frozenset({"Text", "Table", "Group", "Content", "Option"})
"""Built here, so their own arguments are checked where they are built."""
RETURN_TYPES = frozenset({"Text", "Table", "Group", "Content"})
WIDGETS = frozenset({"Static", "Label", "Button", "Option", "Checkbox", "RadioButton", "Markdown"})
CONTENT_KEYWORDS = frozenset({"content", "label", "prompt", "renderable", "markdown"})
OPTION_METHODS = {"add_option": 0, "add_options": 0, "set_options": 0}
PROMPT_METHODS = {"replace_option_prompt": 1, "replace_option_prompt_at_index": 1}
ASSIGNED_SINKS = frozenset({"border_title", "border_subtitle", "tooltip", "label", "prompt"})
TEXT_BUILDERS = frozenset({"Text", "assemble", *SHOWERS})
"""Calls whose result is a ``Text``: what a name must hold for ``.append`` to be checked."""

Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Module


def _name(func: ast.expr) -> str | None:
    """``f`` of ``f(...)``, ``x.f(...)``, ``x.y.f(...)`` and ``f[T](...)``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Subscript):
        return _name(func.value)
    return None


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


@dataclass
class Scanner:
    """One module's offenders; ``renderable_helpers`` comes from every scanned module."""

    path: str
    tree: ast.Module
    renderable_helpers: frozenset[str]
    offenders: list[str] = field(default_factory=list)
    uses_textual: bool = False
    _parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    _origins: dict[str, str] = field(default_factory=dict)
    """Each name this module imports or defines at its top: the module it is from."""

    def scan(self) -> list[str]:
        here = self.path.removesuffix(".py").replace("/", ".")
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef):
                self._origins[node.name] = here
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self._parents[child] = node
            if isinstance(node, ast.ImportFrom) and node.module:
                self.uses_textual |= node.module.split(".")[0] == "textual"
                for alias in node.names:
                    self._origins[alias.asname or alias.name] = node.module
            elif isinstance(node, ast.Import):
                self.uses_textual |= any(a.name.split(".")[0] == "textual" for a in node.names)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr in ASSIGNED_SINKS:
                        self._shown(node.value, f".{target.attr} = …")
        return self.offenders

    def _offend(self, node: ast.AST, what: str) -> None:
        self.offenders.append(f"{self.path}:{getattr(node, 'lineno', '?')}: {what}")

    # --- the sinks --------------------------------------------------------------------

    def _call(self, call: ast.Call) -> None:
        name = _name(call.func)
        markup = _keyword(call, "markup")
        if isinstance(markup, ast.Constant) and markup.value is True:
            self._offend(call, f"{name}(markup=True)")
        if name == "from_markup":
            if not (call.args and _is_literal(call.args[0])):
                self._offend(call, "from_markup(…) of a non-literal")
            return
        if name in WIDGETS or name == "Select":
            self._widget(call, name)
        elif name == "update" and self.uses_textual and len(call.args) == 1:
            self._shown(call.args[0], "update(…)")
        elif name == "notify" and call.args:
            self._notify(call)
        elif name == "add_row":
            for cell in call.args:
                value = cell.value if isinstance(cell, ast.Starred) else cell
                self._shown(value, "add_row(…) cell")
        elif name in OPTION_METHODS and len(call.args) > OPTION_METHODS[name]:
            self._options(call.args[OPTION_METHODS[name]], f"{name}(…)")
        elif name in PROMPT_METHODS and len(call.args) > PROMPT_METHODS[name]:
            self._shown(call.args[PROMPT_METHODS[name]], f"{name}(…)")
        elif name == "OptionList":
            for option in call.args:
                self._shown(option, "OptionList(…) option")
        elif name == "Group":
            for part in call.args:
                self._shown(part, "Group(…) part")
        elif name in ("Table", "grid"):
            for keyword in ("title", "caption"):
                value = _keyword(call, keyword)
                if value is not None:
                    self._shown(value, f"Table({keyword}=…)")
        if name in ("Text", "Content") and call.args:
            self._escaped(call.args[0], f"{name}(…)")
        elif name == "assemble":
            for part in call.args:
                if isinstance(part, ast.Tuple) and part.elts:
                    self._escaped(part.elts[0], "assemble(…) part")
                elif not self._is_shown(part):
                    self._escaped(part, "assemble(…) part")
        elif name in ("append", "append_text") and call.args and self._appends_to_text(call):
            self._appended(call.args[0], f"Text.{name}(…)")

    def _widget(self, call: ast.Call, name: str | None) -> None:
        content = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg in CONTENT_KEYWORDS or (name == "Select" and keyword.arg == "options"):
                content = keyword.value
        if content is None:
            return
        if name == "Select":
            self._options(content, "Select(…)")
            return
        markup = _keyword(call, "markup")
        plain = isinstance(markup, ast.Constant) and markup.value is False
        if plain and self._is_escaped(content):
            return  # markup=False and escaped: text, shown as it is
        self._shown(content, f"{name}(…)")

    def _notify(self, call: ast.Call) -> None:
        message = call.args[0]
        if _is_literal(message):
            return
        markup = _keyword(call, "markup")
        if not (isinstance(markup, ast.Constant) and markup.value is False):
            self._offend(call, "notify(…) of a non-literal without markup=False")
        else:
            self._escaped(message, "notify(…) message")

    def _options(self, node: ast.expr, what: str) -> None:
        """Option lists: ``[(prompt, value), …]``, a helper declared to return Text."""
        if isinstance(node, ast.List | ast.Tuple):
            for element in node.elts:
                if isinstance(element, ast.Tuple) and element.elts:
                    self._shown(element.elts[0], what)
                else:
                    self._shown(element, what)
            return
        self._shown(node, what)

    def _appended(self, node: ast.expr, what: str) -> None:
        """A Text takes either: shown text (another Text) or escaped text."""
        if not self._is_shown(node):
            self._escaped(node, what)

    def _shown(self, node: ast.expr, what: str) -> None:
        if not (_is_literal(node) or self._is_shown(node)):
            self._offend(node, f"{what} of {ast.unparse(node)[:60]!r}: not shown(…) text")

    def _escaped(self, node: ast.expr, what: str) -> None:
        if not self._is_escaped(node):
            self._offend(node, f"{what} of {ast.unparse(node)[:60]!r}: not escaped")

    # --- what counts as safe ----------------------------------------------------------

    def _is_shown(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """Shown text: a Text (or table of them) built under these rules."""
        match node:
            case ast.Constant(value=str()):
                return True  # our own words: a literal in this source
            case ast.Call(func=func):
                name = _name(func)
                return (
                    self._is_from(func, SHOWERS)
                    or name in RENDERABLES
                    or name in ("assemble", "grid")
                    or name in self.renderable_helpers
                )
            case ast.IfExp(body=body, orelse=orelse):
                return self._is_shown(body, seen) and self._is_shown(orelse, seen)
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                return all(self._is_shown(e, seen) for e in elts)
            case ast.Subscript(value=value):
                return self._is_shown(value, seen)
            case ast.Name(id=name) if name not in seen:
                values = self._bindings(node, name)
                return bool(values) and all(self._is_shown(v, seen | {name}) for v in values)
        return False

    def _is_escaped(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """Escaped text: a ``str`` with no unsafe character from outside left in it."""
        match node:
            case ast.Constant():
                return True
            case ast.Call(func=ast.Attribute(value=ast.Constant(value=str()), attr="join")):
                return bool(node.args) and self._is_escaped_iterable(node.args[0], seen)
            case ast.Call(func=func):
                return self._is_from(func, ESCAPERS)
            case ast.JoinedStr(values=values):
                return all(
                    self._is_escaped(v.value if isinstance(v, ast.FormattedValue) else v, seen)
                    for v in values
                )
            case ast.BinOp(op=ast.Add(), left=left, right=right):
                return self._is_escaped(left, seen) and self._is_escaped(right, seen)
            case ast.IfExp(body=body, orelse=orelse):
                return self._is_escaped(body, seen) and self._is_escaped(orelse, seen)
            case ast.Name(id=name) if name not in seen:
                values = self._bindings(node, name)
                return bool(values) and all(self._is_escaped(v, seen | {name}) for v in values)
        return False

    def _is_from(self, func: ast.expr, functions: dict[str, str]) -> bool:
        """A call of one of ``functions``, imported from (or defined in) its module."""
        if not isinstance(func, ast.Name) or func.id not in functions:
            return False
        return self._origins.get(func.id) == functions[func.id]

    def _is_escaped_iterable(self, node: ast.expr, seen: frozenset[str]) -> bool:
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            return self._is_escaped(node.elt, seen)
        if isinstance(node, ast.List | ast.Tuple):
            return all(self._is_escaped(e, seen) for e in node.elts)
        return False

    def _appends_to_text(self, call: ast.Call) -> bool:
        """``x.append(…)`` where every assignment to ``x`` builds a Text (not a list)."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return False
        values = self._bindings(func.value, func.value.id)
        return bool(values) and all(
            isinstance(v, ast.Call) and _name(v.func) in TEXT_BUILDERS for v in values
        )

    def _scope(self, node: ast.AST) -> Scope:
        parent = self._parents.get(node)
        while parent is not None and not isinstance(parent, Scope):
            parent = self._parents.get(parent)
        return parent if parent is not None else self.tree

    def _bindings(self, use: ast.expr, name: str) -> list[ast.expr]:
        """What ``name`` may hold where it is used: every value assigned to it in its
        function (else its module). A parameter, a loop over something not safe, or an
        augmented assignment makes it unknown (an empty list means "not provably safe")."""
        scope = self._scope(use)
        while True:
            values, unknown = self._assigned(scope, name)
            if unknown:
                return []
            if values or isinstance(scope, ast.Module):
                return values
            scope = self.tree

    def _assigned(self, scope: Scope, name: str) -> tuple[list[ast.expr], bool]:
        values: list[ast.expr] = []
        if not isinstance(scope, ast.Module):
            arguments = scope.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            if any(argument.arg == name for argument in every):
                return [], True
        for node in self._own_nodes(scope):
            match node:
                case ast.Assign(targets=targets, value=value):
                    for target in targets:
                        found = _unpacked(target, name, value)
                        if found is not None:
                            values.append(found)
                case ast.AnnAssign(target=ast.Name(id=target), value=value) if target == name:
                    if value is not None:
                        values.append(value)
                case ast.AugAssign(target=ast.Name(id=target)) if target == name:
                    return [], True
                case ast.For(target=target, iter=iterable) | ast.comprehension(
                    target=target, iter=iterable
                ):
                    element = ast.Subscript(value=iterable, slice=ast.Constant(0))
                    found = _unpacked(target, name, element)
                    if found is not None:
                        values.append(found)
                case ast.NamedExpr(target=ast.Name(id=target), value=value) if target == name:
                    values.append(value)
                case ast.withitem(optional_vars=ast.Name(id=target)) if target == name:
                    return [], True
        return values, False

    def _own_nodes(self, scope: Scope) -> Iterator[ast.AST]:
        """The nodes of ``scope``, not those of functions and classes nested in it."""
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                stack.extend(ast.iter_child_nodes(node))


def _unpacked(target: ast.expr, name: str, value: ast.expr) -> ast.expr | None:
    """The part of ``value`` that ``name`` gets in ``target = value`` (a tuple target
    gets an element, as a subscript of the value), or None when it is not assigned."""
    if isinstance(target, ast.Name):
        return value if target.id == name else None
    if isinstance(target, ast.Tuple | ast.List):
        for index, element in enumerate(target.elts):
            if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
                part: ast.expr = value.elts[index]
            else:
                part = ast.Subscript(value=value, slice=ast.Constant(index))
            found = _unpacked(element, name, part)
            if found is not None:
                return found
    return None


def _helper_returns(tree: ast.Module) -> dict[str, bool]:
    """Each function name of a module: whether every definition of it is annotated to
    return a renderable (``-> Text``, ``-> list[tuple[Text, str]]``, ``-> Table | None``)."""
    returns: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotation = node.returns
            names: set[str] = set()
            if annotation is not None:
                names = {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}
            ok = bool(names & RETURN_TYPES)
            returns[node.name] = returns.get(node.name, True) and ok
    return returns


def renderable_helpers(trees: list[ast.Module]) -> frozenset[str]:
    """Names whose every definition in ``tui/`` is annotated to return a renderable."""
    returns: dict[str, bool] = {}
    for tree in trees:
        for name, ok in _helper_returns(tree).items():
            returns[name] = returns.get(name, True) and ok
    return frozenset(name for name, ok in returns.items() if ok)


def scan_sources(sources: dict[str, str]) -> list[str]:
    """Every offender in ``sources`` (path → text), as ``path:line: what``.

    A call is to a renderable helper when its name is one in its own module (a method
    or function defined there), else when it is one wherever ``tui/`` defines it.
    """
    trees = {path: ast.parse(text, filename=path) for path, text in sources.items()}
    everywhere = renderable_helpers(list(trees.values()))
    offenders: list[str] = []
    for path, tree in trees.items():
        own = _helper_returns(tree)
        helpers = {name for name in everywhere if name not in own}
        helpers |= {name for name, ok in own.items() if ok}
        offenders += Scanner(path, tree, frozenset(helpers)).scan()
    return offenders


def tui_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted(TUI.rglob("*.py"))
        if not any(path.is_relative_to(skipped) for skipped in SKIPPED)
    }


# --- the tests ----------------------------------------------------------------------------


def test_every_widget_sink_in_tui_gets_shown_text() -> None:
    offenders = scan_sources(tui_sources())
    assert offenders == [], "outside text may reach markup or the terminal:\n" + "\n".join(
        offenders
    )


def test_the_scan_reads_the_widget_modules() -> None:
    """A scan that found nothing to look at would pass for the wrong reason."""
    sources = tui_sources()
    assert "tui/widgets/status_panel.py" in sources
    assert "tui/screens/review.py" in sources
    assert not any(path.startswith("tui/demo/") for path in sources)
    helpers = renderable_helpers([ast.parse(text) for text in sources.values()])
    assert {"_changes_table", "result_rows", "_provider_options"} <= helpers


HEADER = (
    "from rich.text import Text\n"
    "from rich.table import Table\n"
    "from textual.widgets import Static, Label\n"
    "from textual.widgets.option_list import Option\n"
    "from tui.printable import printable\n"
    "from tui.widgets.shown import shown\n"
)

PLANTED = [
    ("def f(x):\n    return Static(x)  # here\n", "Static(…) of 'x'"),
    ("def f(x):\n    return Static(f'Hi {x}')  # here\n", "Static(…)"),
    ("def f(x):\n    return Static(printable(x))  # here\n", "Static(…)"),  # still markup
    ("def f(x):\n    return Label(x, markup=False)  # here\n", "Label(…)"),  # not escaped
    ("def f(x):\n    return Option(x.name)  # here\n", "Option(…)"),
    ("def f(w, x):\n    w.update(x)  # here\n", "update(…)"),
    ("def f(w, x):\n    w.update(str(x))  # here\n", "update(…)"),
    ("def f(t, x):\n    t.add_row('Field', x)  # here\n", "add_row(…) cell"),
    ("def f(t, x):\n    cells = [x]\n    t.add_row(*cells)  # here\n", "add_row(…) cell"),
    ("def f(app, x):\n    app.notify(x)  # here\n", "without markup=False"),
    ("def f(app, x):\n    app.notify(x, markup=False)  # here\n", "notify(…) message"),
    ("def f(x):\n    return Static('x', markup=True)  # here\n", "markup=True"),
    ("def f(x):\n    return Text.from_markup(x)  # here\n", "from_markup"),
    ("def f(x):\n    return Text(x)  # here\n", "Text(…)"),
    ("def f(x):\n    t = Text()\n    t.append(x)  # here\n    return t\n", "Text.append(…)"),
    ("def f(w, x):\n    w.border_title = x  # here\n", ".border_title = …"),
    ("def f(x):\n    return Table(title=x)  # here\n", "Table(title=…)"),
    ("def g(x) -> str:\n    return x\n\ndef f(x):\n    return Static(g(x))  # here\n", "Static(…)"),
]


@pytest.mark.parametrize(("source", "expected"), PLANTED)
def test_a_planted_offender_is_caught_with_its_line(source: str, expected: str) -> None:
    offenders = scan_sources({"tui/planted.py": HEADER + source})
    assert len(offenders) == 1, offenders
    lines = (HEADER + source).splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if "# here" in text)
    assert offenders[0].startswith(f"tui/planted.py:{line}: "), offenders
    assert expected in offenders[0]


CLEAN = [
    "def f(x):\n    return Static(shown(x))\n",
    "def f(x):\n    return Static(printable(x), markup=False)\n",
    "def f():\n    return Static('[b]Our own[/b] words')\n",
    "def f(w, x):\n    text = shown(x) if x else 'none'\n    w.update(text)\n",
    "def f(t, x):\n    t.add_row(shown(x), 'literal')\n",
    "def f(app, x):\n    app.notify(printable(x), markup=False)\n",
    "def f(x):\n    t = Text('a')\n    t.append(f'({printable(x)})')\n    return t\n",
    "def g(x) -> Text:\n    return shown(x)\n\ndef f(x):\n    return Option(g(x))\n",
    "def f(xs):\n    return Text('\\n'.join(printable(x) for x in xs))\n",
    "def f(xs):\n    items = []\n    items.append(xs)\n    return items\n",  # a list
]


@pytest.mark.parametrize("source", CLEAN)
def test_shown_text_passes(source: str) -> None:
    """The counterpart: the scan is not one that fails on everything."""
    assert scan_sources({"tui/clean.py": HEADER + source}) == []

"""Choose a number's agent from a list of names, the ID shown small beside each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.numbers.agents import Agent, AgentProblem
from tui.printable import printable
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown_value
from tui.widgets.steady_input import SteadyInput

if TYPE_CHECKING:
    from tui.numbers.state import NumberKey
    from tui.screens.numbers_desk import NumbersDesk


class AgentPickerScreen(ModalScreen[str | None]):
    """Agents by name (hidden ones last, marked), narrowed as the user types; dismisses with
    the chosen agent's ID, or None on escape.

    Names can repeat (a copied prompt keeps its name), so each line also shows the ID, and
    the description when there is one. Where the agent list could not be read, the box
    takes an agent's ID instead, since a name cannot be looked up.
    """

    DEFAULT_CSS = """
    #agent-dialog {
        max-width: 80;
    }
    #agent-filter {
        margin: 0 0 1 0;
    }
    #agent-list {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
    }
    #agent-problem {
        color: $warning;
    }
    #agent-problem.-empty {
        display: none;
    }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding(
            "enter",
            "pick",
            "Choose",
            tooltip="AI on with the highlighted agent (or the ID typed)",
            priority=True,
            id="agents.pick",
        ),
        # Priority: cancelled as the key arrives, so keys typed right after it (in the same
        # burst) reach the numbers underneath rather than a list on its way out.
        Binding("escape", "cancel", "Cancel", id="agents.cancel", priority=True),
    ]

    def __init__(self, desk: NumbersDesk, key: NumberKey) -> None:
        super().__init__()
        self.desk = desk
        self.key = key
        self._shown: list[Agent] = []
        self._picking = False

    def compose(self) -> ComposeResult:
        state = self.desk.state
        now = state.desired(self.key)
        current = state.agents.label(now.agent_id) if now.agent_id else "none"
        with Vertical(id="agent-dialog", classes="dialog"):
            yield Static(
                shown_value(f"Agent for {self.key[1]} (now: {current})"), classes="dialog-title"
            )
            yield SteadyInput(
                placeholder="type to narrow by name, or paste an agent ID",
                id="agent-filter",
                compact=True,
            )
            yield OptionList(id="agent-list")
            yield Static("", id="agent-problem", classes="-empty", markup=False)
        yield QuietFooter()

    def on_mount(self) -> None:
        self.desk.changed.subscribe(self, lambda _desk: self._fill())
        self._fill()
        self.query_one("#agent-filter", Input).focus()

    def _matching(self) -> list[Agent]:
        """As ``numbers set`` matches (:meth:`AgentBook.matching`): enter picks the first."""
        return self.desk.state.agents.matching(self.query_one("#agent-filter", Input).value)

    def _fill(self) -> None:
        book = self.desk.state.agents
        options = self.query_one(OptionList)
        current = self.desk.state.desired(self.key).agent_id
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        self._shown = agents = self._matching()
        ids = [a.id for a in agents]
        at = next((ids.index(w) for w in (highlighted, current) if w in ids), 0)
        for index, agent in enumerate(agents):
            options.add_option(Option(self._line(agent, current, index == at), id=agent.id))
        options.highlighted = at if agents else None
        problem = ""
        if book.problem:
            problem = f"The agent list could not be read ({book.problem}): paste an agent's ID."
        elif not book.read:
            problem = "Loading the agents…"
        elif not agents:
            problem = "No agent matches." if book.agents else "The organization has no agents."
        self._say(problem)

    def _say(self, problem: str) -> None:
        line = self.query_one("#agent-problem", Static)
        line.update(shown_value(problem))
        line.set_class(not problem, "-empty")

    def _line(self, agent: Agent, current: str | None, pointed: bool) -> Text:
        """Name (bold), hidden and current marks, the ID small; the description under it.
        The ▸ says which line enter picks, also where the highlight has no colour. An
        agent the server refused as not synced this session says so (issue 18, item 12)."""
        line = Text("▸ " if pointed else "  ")
        line.append(printable(agent.label), style="bold")
        if agent.hidden:
            line.append(" (hidden)")
        if agent.id in self.desk.state.not_synced:
            line.append("  ⚠ refused earlier: not synced")
        if agent.id == current:
            line.append("  ● current")
        line.append(f"  {printable(agent.id)}", style="dim")
        if agent.description:
            line.append(f"\n    {printable(agent.description)}", style="dim")
        return line

    @on(OptionList.OptionHighlighted)
    def _pointed(self, event: OptionList.OptionHighlighted) -> None:
        options = self.query_one(OptionList)
        current = self.desk.state.desired(self.key).agent_id
        for index, agent in enumerate(self._shown):
            options.replace_option_prompt_at_index(
                index, self._line(agent, current, index == event.option_index)
            )

    @on(Input.Changed, "#agent-filter")
    def _typed(self) -> None:
        if self.is_attached:  # not after a pick closed the list with keys still queued
            self._fill()

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            start = options.highlighted if options.highlighted is not None else -delta
            options.highlighted = max(0, min(options.option_count - 1, start + delta))

    def action_pick(self) -> None:
        """enter runs as it arrives (a priority key: the filter would take it), so keys
        typed just before it may not have reached the filter yet: over a slow link
        "support⏎" comes in one burst. The pick waits behind them, in the queue of the
        widget they went to, and narrows the list again before it reads it."""
        if self._picking:
            return
        self._picking = True
        (self.focused or self).call_later(self._pick)

    def _pick(self) -> None:
        self._picking = False
        if not self.is_attached or self.app.screen is not self:
            return
        self._fill()  # the filter as typed; its Changed messages may still be on their way
        options = self.query_one(OptionList)
        if options.highlighted_option is not None and options.highlighted_option.id:
            self.dismiss(options.highlighted_option.id)
            return
        typed = self.query_one("#agent-filter", Input).value
        try:
            self.dismiss(self.desk.state.agents.resolve(typed).id)
        except AgentProblem as problem:
            self._say(f"{str(problem)[:1].upper()}{str(problem)[1:]}.")

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

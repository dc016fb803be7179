"""``numbers`` and ``numbers set`` as text and JSON: the listing, the review, a line per result.

Plain text as the other scripted commands write it (no colour, lines in the reader's
width, :mod:`tui.script.width`, no value cut); the JSON shapes are documented in the
README and only ever gain keys. The words for a row come from the app's
(:mod:`tui.numbers.view`, :mod:`tui.api.toggle_codes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.printable import printable
from tui.script.layout import table
from tui.script.render import wrap
from tui.script.width import line_width

if TYPE_CHECKING:
    from tui.api.models import VoiceAiConfig
    from tui.numbers.agents import AgentBook
    from tui.numbers.state import NumbersState, RowOutcome, Setting, Toggle


def setting_json(setting: Setting, agents: AgentBook) -> dict[str, Any]:
    agent = agents.get(setting.agent_id)
    return {
        "aiEnabled": setting.enabled,
        "aiAgentId": setting.agent_id,
        "agentName": agent.name if agent else None,
    }


def list_json(state: NumbersState, url: str) -> dict[str, Any]:
    """The documented ``numbers --json`` object."""
    agents = state.agents
    shape: dict[str, Any] = {"url": url, "phoneNumbers": []}
    for number in state.numbers:
        row = number.model_dump(by_alias=True, mode="json")
        agent = agents.get(number.ai_agent_id)
        row["agentName"] = agent.name if agent else None
        shape["phoneNumbers"].append(row)
    shape["agents"] = (
        [
            {"id": a.id, "name": a.name, "description": a.description, "hidden": a.hidden}
            for a in agents.agents
        ]
        if agents.read
        else None
    )
    shape["agentsError"] = agents.problem
    return shape


def list_lines(
    state: NumbersState, config: VoiceAiConfig, url: str, width: int | None = None
) -> list[str]:
    """The numbers as a table (agent names where known), then the agents to choose from;
    in ``width`` (stdout's unless given), the table's last columns under each row when
    it is too wide."""
    from tui.form.summary import phone_summary
    from tui.numbers.view import row_view

    width = width or line_width()
    lines = wrap([f"Phone numbers at {printable(url)}: {phone_summary(config)}"], width)
    if len(state):
        cells = [("NUMBER", "AI", "AGENT", "USER")]
        for row in range(len(state)):
            view = row_view(state, row)
            # Escaped before the columns are measured: the width is what will show.
            cells.append(
                tuple(printable(cell) for cell in (view.number, view.ai, view.agent, view.user))
            )
        lines.extend(wrap(table(cells, width), width))
    agents = state.agents
    if agents.read:
        lines.append("")
        lines.append("Agents (numbers set takes a name or an ID):")
        for agent in agents.sorted():  # as listed here, a name picks its agent (pick)
            lines.extend(wrap([printable(f"  {agent.id}  {agents.listed(agent.id)}")], width))
        if not agents.agents:
            lines.append("  none")
    return lines


CHANGE_INDENT = "      "
"""Where a toggle's old → new starts when it is set under its number."""


def review_lines(
    toggles: list[Toggle], state: NumbersState, target: str, width: int | None = None
) -> list[str]:
    """What will be sent: per number, the number, its user, before → after (agent names).

    One line per number when every one fits in ``width`` (stdout's unless given); else
    each number's before → after goes under it, so the list stays one shape, and wraps
    at spaces (before, then → after on its own line) when even that is too long. Nothing
    is cut: a review is read for its values."""
    width = width or line_width()
    count = len(toggles)
    lines = wrap(
        [
            f"Will send {count} toggle{'s' if count != 1 else ''} to {printable(target)}, "
            "one by one (each touches ElevenLabs and Sinch):"
        ],
        width,
    )
    rows = []
    for toggle in toggles:
        head = f"  {printable(toggle.phone_number):<14} user {printable(toggle.user_id)}"
        before = printable(toggle.before.describe(state.agents))
        after = printable(toggle.after.describe(state.agents))
        rows.append((head, before, after))
    if all(len(f"{head}  {before} → {after}") <= width for head, before, after in rows):
        lines.extend(f"{head}  {before} → {after}" for head, before, after in rows)
        return lines
    for head, before, after in rows:
        lines.extend(wrap([head], width))
        if len(CHANGE_INDENT) + len(before) + 3 + len(after) <= width:
            lines.append(f"{CHANGE_INDENT}{before} → {after}")
        else:
            lines.extend(wrap([CHANGE_INDENT + before, f"{CHANGE_INDENT}→ {after}"], width))
    return lines


def result_line(outcome: RowOutcome, state: NumbersState) -> str | None:
    """One line per number as its answer arrives (None while it is being sent)."""
    from tui.api.toggle_codes import explain
    from tui.numbers.state import Verdict

    toggle = outcome.toggle
    head = f"{toggle.phone_number}  {toggle.change(state.agents)}"
    failure = outcome.failure
    match outcome.verdict:
        case Verdict.SENDING:
            return None
        case Verdict.APPLIED:
            said = f" (server said: {outcome.message})" if outcome.message else ""
            return f"✓ {head}: applied{said}"
        case Verdict.REFUSED:
            assert failure is not None
            agent = state.agents.label(toggle.after.agent_id) if toggle.after.enabled else None
            why = explain(failure, trunk=state.trunk_id, agent=agent)
            said = (
                f" Server said: {failure.error}"
                if failure.error and failure.error not in why
                else ""
            )
            return f"✗ {head}: {why}.{said}"
        case Verdict.UNANSWERED:
            assert failure is not None
            return f"? {head}: no answer ({failure.summary}); the re-read will tell"
        case Verdict.NOT_SENT:
            return f"- {head}: not sent"


def no_answer(outcome: RowOutcome | None) -> str | None:
    """For a toggle sent without an answer, what the re-read made of it: applied (after
    all), not applied (the re-read shows otherwise), or unknown (no re-read, a failed one,
    or one that no longer lists the number); None for a toggle that had an answer or was
    not sent.

    Read from the outcome after :meth:`~tui.numbers.state.NumbersState.rebased`, as the
    app's table reads it (:func:`~tui.numbers.outcome.short_text`): an unanswered toggle
    the re-read shows applied becomes applied and keeps its failure.
    """
    from tui.numbers.state import Verdict

    if outcome is None or outcome.failure is None:
        return None
    if outcome.verdict is Verdict.APPLIED:
        return "applied"
    if outcome.verdict is not Verdict.UNANSWERED:
        return None
    return "not applied" if outcome.confirmed is False else "unknown"


def settled_line(outcome: RowOutcome, state: NumbersState, reread_failed: bool) -> str | None:
    """After the re-read, the line that keeps the promise of the "?" line ("the re-read
    will tell") for a toggle sent without an answer; None for any other toggle."""
    toggle = outcome.toggle
    head = f"{toggle.phone_number}  {toggle.change(state.agents)}"
    match no_answer(outcome):
        case "applied":
            return f"✓ {head}: applied after all (no answer, but the re-read shows it)"
        case "not applied":
            assert outcome.reread is not None
            now = outcome.reread.describe(state.agents)
            if outcome.reread == toggle.before:
                return (
                    f"✗ {head}: not applied (no answer, and the re-read shows it as it was: "
                    f"{now}); send it again"
                )
            return (
                f"✗ {head}: not applied (no answer, and the re-read shows {now}, neither as "
                "it was nor as asked: someone may have changed it); check before sending it "
                "again"
            )
        case "unknown":
            why = "the re-read failed" if reread_failed else "the re-read does not list it"
            return (
                f"? {head}: applied or not is still unknown ({why}); check with "
                "`tether-voice numbers`"
            )
    return None


def outcome_json(outcome: RowOutcome | None, toggle: Toggle, state: NumbersState) -> dict[str, Any]:
    """One toggle in ``numbers set --json``. Added to the first shape (whose keys stay as
    they were): ``noAnswer``, :func:`no_answer`'s word, and ``reread``, the number as the
    re-read showed it for a toggle applied or sent without an answer (null for the others,
    and when there was no re-read or it failed)."""
    from tui.api.toggle_codes import explain, refusal_code

    reread = outcome.reread if outcome else None
    shape: dict[str, Any] = {
        "phoneNumber": toggle.phone_number,
        "userId": toggle.user_id,
        "before": setting_json(toggle.before, state.agents),
        "after": setting_json(toggle.after, state.agents),
        "outcome": outcome.verdict.value if outcome else "not sent",
        "confirmed": outcome.confirmed if outcome else None,
        "serverMessage": outcome.message if outcome else None,
        "error": None,
        "noAnswer": no_answer(outcome),
        "reread": setting_json(reread, state.agents) if reread else None,
    }
    failure = outcome.failure if outcome else None
    if failure is not None:
        agent = state.agents.label(toggle.after.agent_id) if toggle.after.enabled else None
        shape["error"] = {
            "kind": failure.kind.value,
            "status": failure.status,
            "code": refusal_code(failure),
            "serverError": failure.error,
            "summary": failure.summary,
            "explanation": explain(failure, trunk=state.trunk_id, agent=agent),
        }
    return shape

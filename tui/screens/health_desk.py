"""The session's wiring health: the keys at hand, the latest answers, and the runs.

One per editor, made on first use (the health view, the numbers table's column), kept
for the session, like :class:`~tui.screens.numbers_desk.NumbersDesk`. Views subscribe to
:attr:`HealthDesk.changed` and read :attr:`HealthDesk.board`, the pure
:class:`~tui.wiring.board.HealthBoard`; the runs are workers of the editor, so the
check goes on when the user walks over to the numbers table to watch its rows fill in.

The keys are held in memory for this session only (never written anywhere) so that a
toggle applied later can be checked again with them; they go to the runner as
``SecretStr`` and from there each to its own issuer only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import SecretStr
from textual.signal import Signal

from tui.api.failures import ApiFailure
from tui.wiring.board import HealthBoard

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.api.models import VoiceAiConfig
    from tui.app import VoiceConfigApp
    from tui.form.state import FormState
    from tui.numbers.state import NumbersState
    from tui.screens.editor import EditorScreen
    from tui.wiring.evidence import Evidence, TetherNumber, TetherSide

log = logging.getLogger(__name__)

FULL_RUN = "health"
RECHECK = "health-recheck"
"""Worker groups on the editor: a new full run replaces the one in flight."""


@dataclass(frozen=True)
class HealthKeys:
    """The keys a run is given; a side left out (None) is not asked."""

    elevenlabs: SecretStr | None = None
    sinch_key_id: str | None = field(default=None, repr=False)
    sinch_secret: SecretStr | None = None

    @property
    def has_elevenlabs(self) -> bool:
        return self.elevenlabs is not None and bool(self.elevenlabs.get_secret_value())

    @property
    def has_sinch(self) -> bool:
        secret = self.sinch_secret
        return bool(self.sinch_key_id) and secret is not None and bool(secret.get_secret_value())

    @property
    def any(self) -> bool:
        return self.has_elevenlabs or self.has_sinch


@dataclass(frozen=True)
class Offered:
    """A key the view can prefill, and where it came from (said beside the input)."""

    value: str = field(repr=False)
    source: str


@dataclass(frozen=True)
class HealthChange:
    """What a subscriber is told: the board, and which numbers changed (None: any)."""

    board: HealthBoard
    numbers: frozenset[str] | None = None


ELEVENLABS_FIELD = "elevenlabsApiKey"
SINCH_ID_FIELD = "sinchEstKeyId"
SINCH_SECRET_FIELD = "sinchEstKeySecret"
KEY_FIELDS = (ELEVENLABS_FIELD, SINCH_ID_FIELD, SINCH_SECRET_FIELD)


def _value_of(keys: HealthKeys, wire_name: str) -> str:
    if wire_name == ELEVENLABS_FIELD:
        return keys.elevenlabs.get_secret_value() if keys.elevenlabs else ""
    if wire_name == SINCH_ID_FIELD:
        return keys.sinch_key_id or ""
    return keys.sinch_secret.get_secret_value() if keys.sinch_secret else ""


class HealthDesk:
    """The wiring health of one session; see the module docstring."""

    def __init__(self, editor: EditorScreen) -> None:
        self.editor = editor
        self.board = HealthBoard()
        self.changed: Signal[HealthChange] = Signal(editor, "health-changed")
        self.keys: HealthKeys | None = None
        """The keys the last run was given: a toggle applied later is checked with them."""
        self.saved = HealthKeys()
        """Keys the form saved this session (the form forgets them once saved)."""
        self.note = ""
        """One line on what is going on (reading Tether, the run's end)."""
        self._config: VoiceAiConfig | None = None
        self._agent_names: dict[str, str] = {}
        self.tether: TetherSide | None = None
        """Tether's side as the last run read it."""

    @property
    def app(self) -> VoiceConfigApp:
        return self.editor.app

    @property
    def enabled(self) -> bool:
        return self.app.checks.enabled

    def _publish(
        self, board: HealthBoard, numbers: Iterable[str] | None = None, note: str | None = None
    ) -> None:
        self.board = board
        if note is not None:
            self.note = note
        self.changed.publish(HealthChange(board, None if numbers is None else frozenset(numbers)))

    # --- keys ----------------------------------------------------------------------

    def remember_saved(self, form: FormState) -> None:
        """A save went through: keep the keys it carried, which the form now forgets."""
        typed = {name: str(form.plain_value(name)) for name in KEY_FIELDS if form.is_changed(name)}
        if not typed:
            return
        self.saved = HealthKeys(
            SecretStr(typed[ELEVENLABS_FIELD])
            if ELEVENLABS_FIELD in typed
            else self.saved.elevenlabs,
            typed.get(SINCH_ID_FIELD, self.saved.sinch_key_id),
            SecretStr(typed[SINCH_SECRET_FIELD])
            if SINCH_SECRET_FIELD in typed
            else self.saved.sinch_secret,
        )

    def offered(self, wire_name: str) -> Offered | None:
        """What to prefill for one key: the one last checked with, else one saved this
        session (what Tether holds now), else one typed in the form and not saved yet."""
        if self.keys is not None and _value_of(self.keys, wire_name):
            return Offered(_value_of(self.keys, wire_name), "as last checked")
        if _value_of(self.saved, wire_name):
            return Offered(_value_of(self.saved, wire_name), "saved this session")
        form = self.editor.form
        if form is not None and form.is_changed(wire_name):
            return Offered(str(form.plain_value(wire_name)), "in the form, not saved")
        return None

    # --- runs ----------------------------------------------------------------------

    def start(self, keys: HealthKeys) -> None:
        """Check the organization and every number with ``keys`` (a full run)."""
        if not self.enabled:
            return
        self.keys = keys
        self.editor.run_worker(self._full_run(keys), group=FULL_RUN, exclusive=True)

    def stop(self) -> None:
        """Stop the full run in flight (escape in the view); answers already in stay."""
        self.editor.workers.cancel_group(self.editor, FULL_RUN)

    @property
    def running(self) -> bool:
        return self.board.running

    async def _full_run(self, keys: HealthKeys) -> None:
        self._publish(self.board, (), note="Reading the configuration and agents from Tether…")
        try:
            config = await self.app.client.load()
            if isinstance(config, ApiFailure):
                failure = f"Tether's configuration could not be read ({config.summary})"
                self._publish(self.board.finished((), org=False, failure=failure), ())
                return
            self._config = config
            self._agent_names = await self._agents()
        finally:
            self.note = ""
        await self._run(keys, self._tether(config), only=None)

    async def _agents(self) -> dict[str, str]:
        """Tether's agent names (compared with ElevenLabs' agent names): the numbers'
        list when it was read, else one read now; none when unreadable."""
        numbers = self.editor.numbers_desk()
        book = numbers.state.agents if numbers is not None else None
        if book is None or not book.read:
            prompts = await self.app.client.load_agents()
            if isinstance(prompts, ApiFailure):
                return {}
            return {p.id: p.name or "" for p in prompts if p.id}
        return {agent.id: agent.name for agent in book.agents}

    def _tether(self, config: VoiceAiConfig) -> TetherSide:
        from tui.wiring.tether import tether_side

        side = tether_side(config, self.app.settings.base_url, agent_names=self._agent_names)
        self.tether = side
        return side

    def agent_labels(self) -> dict[str, str]:
        """Each AI-on number's agent by name (its ID when the name is unknown)."""
        side = self.tether
        if side is None:
            return {}
        labels: dict[str, str] = {}
        for number in side.numbers:
            agent = number.ai_agent_id
            if number.ai_enabled and agent:
                labels.setdefault(number.phone_number, side.agent_names.get(agent) or agent)
        return labels

    def recheck(self, numbers: Iterable[str], state: NumbersState) -> Worker[None] | None:
        """Check ``numbers`` again (after their toggles were applied), with the keys of the
        last run and the numbers as the re-read after the toggles shows them."""
        wanted = sorted(set(numbers))
        keys, config = self.keys, self._config
        if not wanted or keys is None or config is None or not self.enabled:
            return None
        fresh = config.model_copy(update={"phone_numbers": list(state.numbers)})
        return self.editor.run_worker(
            self._run(keys, self._tether(fresh), only=frozenset(wanted)),
            group=RECHECK,
            exit_on_error=False,
        )

    async def _run(self, keys: HealthKeys, tether: TetherSide, only: frozenset[str] | None) -> None:
        from tui.api.wiring import WiringInputs, gather_evidence, sent_secrets
        from tui.wiring.board import scrubbed, scrubbed_report
        from tui.wiring.rules import build_report, number_report, organization_findings

        by_number: dict[str, TetherNumber] = {}
        for number in tether.numbers:
            if only is None or number.phone_number in only:
                by_number.setdefault(number.phone_number, number)
        full = only is None
        self._publish(self.board.started(by_number, org=full))

        def on_org(evidence: Evidence) -> None:
            if full:
                findings = [scrubbed(f, secrets) for f in organization_findings(evidence)]
                self._publish(self.board.with_org(findings), ())

        def on_number(evidence: Evidence, phone_number: str) -> None:
            number = by_number.get(phone_number)
            if number is not None and phone_number in self.board.checking:
                report = scrubbed_report(number_report(evidence, number), secrets)
                self._publish(self.board.with_number(report), [phone_number])

        inputs = WiringInputs(
            tether=tether,
            elevenlabs_key=keys.elevenlabs if keys.has_elevenlabs else None,
            sinch_key_id=keys.sinch_key_id if keys.has_sinch else None,
            sinch_key_secret=keys.sinch_secret if keys.has_sinch else None,
            only=only,
        )
        secrets = sent_secrets(inputs)
        try:
            evidence = await gather_evidence(
                inputs, self.app.checks, on_org=on_org, on_number=on_number
            )
            report = build_report(evidence, only)
        except asyncio.CancelledError:
            self._publish(self.board.finished(by_number, org=full, stopped=True))
            raise
        except Exception as error:  # a bug must not take the app (and its edits) down
            # The class only: an exception's text can quote a request, and a request here
            # may carry a key.
            log.error("wiring check failed: %s", type(error).__name__)
            failure = f"the check stopped on an internal error ({type(error).__name__})"
            self._publish(self.board.finished(by_number, org=full, failure=failure))
            return
        board = self.board
        if full:
            board = board.with_org(scrubbed(f, secrets) for f in report.checks)
        for each in report.numbers:
            if each.phone_number in by_number:
                board = board.with_number(scrubbed_report(each, secrets))
        self._publish(board.finished(by_number, org=full), None if full else by_number)

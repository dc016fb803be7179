"""Which checks a form allows: only values typed now can be checked.

Tether never returns a stored secret (the GET has only "configured" flags), so a secret
that was not typed in this session cannot be sent to its issuer. Rather than pretend,
the plan says so on the line where the check would be ("not checked: the stored
secret is never returned; type it again"). Lines appear only where the edit makes the
question worth asking: a typed credential, a provider switched on, changed Sinch
identifiers.

Pure: a :class:`FormState` in, a :class:`CheckPlan` out. The runner
(:mod:`tui.api.checks`) asks the issuers for the checks the plan holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from tui.checks.verdict import Basis, CheckId, CheckResult, not_checked, problem
from tui.form.state import FormState

SINCH_FIELDS = (
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "sinchEstProjectId",
    "sinchEstTrunkId",
    "sinchEstTrunkDomain",
)


@dataclass(frozen=True)
class SinchInputs:
    """What the Sinch checks send: the typed key pair, and the form's identifiers."""

    key_id: str = field(repr=False)
    key_secret: SecretStr
    project_id: str
    trunk_id: str
    domain: str

    @property
    def trunk_known(self) -> bool:
        return bool(self.project_id and self.trunk_id)


@dataclass(frozen=True)
class CheckPlan:
    """The checks to run, and the lines already decided without asking anyone."""

    elevenlabs_key: SecretStr | None = None
    probe_writes: bool = False
    sinch: SinchInputs | None = None
    decided: tuple[CheckResult, ...] = ()

    @property
    def to_ask(self) -> tuple[CheckId, ...]:
        """The lines an issuer will answer, in display order."""
        ids: list[CheckId] = []
        if self.elevenlabs_key is not None:
            ids.append(CheckId.ELEVENLABS_KEY)
            if self.probe_writes:
                ids += [CheckId.ELEVENLABS_CONVAI_WRITE, CheckId.ELEVENLABS_WEBHOOKS_WRITE]
        if self.sinch is not None:
            ids.append(CheckId.SINCH_KEY)
            if self.sinch.trunk_known:
                ids.append(CheckId.SINCH_TRUNK)
        return tuple(ids)

    @property
    def lines(self) -> tuple[CheckId, ...]:
        """Every line, asked or decided, in :class:`CheckId` order."""
        shown = set(self.to_ask) | {result.check for result in self.decided}
        return tuple(check for check in CheckId if check in shown)

    @property
    def is_empty(self) -> bool:
        return not self.lines


STORED = "the stored {what} is never returned by Tether"


def plan_checks(form: FormState, *, probe_writes: bool) -> CheckPlan:
    """The checks ``form``'s edits call for."""
    decided: list[CheckResult] = []
    key = None
    if form.is_changed("elevenlabsApiKey"):
        key = SecretStr(str(form.plain_value("elevenlabsApiKey")))
    else:
        decided.extend(_stored_elevenlabs_key(form))
    sinch, sinch_decided = _sinch(form)
    decided.extend(sinch_decided)
    return CheckPlan(key, probe_writes, sinch, tuple(decided))


def _stored_elevenlabs_key(form: FormState) -> list[CheckResult]:
    """A line for the stored key only when the edit relies on it: the provider switched
    to ElevenLabs, or a new tool secret asked for."""
    relies = form.is_changed("generateToolSecret") or (
        form.is_changed("aiVoiceProvider") and form.plain_value("aiVoiceProvider") == "elevenlabs"
    )
    if not relies:
        return []
    check = CheckId.ELEVENLABS_KEY
    if form.loaded.elevenlabs_api_key_configured is False:
        return [
            problem(
                check,
                "no ElevenLabs API key is stored, and none was typed",
                "no_key",
                "type the key in this form",
                Basis.DOCUMENTED,
            )
        ]
    why = (
        "Tether puts the new tool secret on the agents' tools with the stored key"
        if form.is_changed("generateToolSecret")
        else "the AI calls will use the stored key"
    )
    return [
        not_checked(
            check,
            f"{why}, and {STORED.format(what='key')}, so it cannot be checked here",
            "stored_secret",
            next_step="type it again to check it",
            basis=Basis.DOCUMENTED,
        )
    ]


def _sinch(form: FormState) -> tuple[SinchInputs | None, list[CheckResult]]:
    if not any(form.is_changed(name) for name in SINCH_FIELDS):
        return None, []
    id_typed = form.is_changed("sinchEstKeyId")
    secret_typed = form.is_changed("sinchEstKeySecret")
    if id_typed and secret_typed:
        inputs = SinchInputs(
            key_id=str(form.plain_value("sinchEstKeyId")),
            key_secret=SecretStr(str(form.plain_value("sinchEstKeySecret"))),
            project_id=str(form.plain_value("sinchEstProjectId") or ""),
            trunk_id=str(form.plain_value("sinchEstTrunkId") or ""),
            domain=str(form.plain_value("sinchEstTrunkDomain") or ""),
        )
        if inputs.trunk_known:
            return inputs, []
        missing = " and ".join(
            name
            for name, value in (("project ID", inputs.project_id), ("trunk ID", inputs.trunk_id))
            if not value
        )
        return inputs, [
            not_checked(
                CheckId.SINCH_TRUNK,
                f"no {missing} to look the trunk up with",
                "missing_ids",
                next_step=f"give the {missing} to check the trunk and its domain",
                basis=Basis.DOCUMENTED,
            )
        ]
    if id_typed or secret_typed:
        stored, typed = ("key secret", "key ID") if id_typed else ("key ID", "key secret")
        if form.loaded.sinch_est_configured is False:
            # Nothing is stored to pair it with: "never returned" would suggest there is.
            return None, [
                problem(
                    CheckId.SINCH_KEY,
                    f"no Sinch EST {stored} is stored, and none was typed: the {typed} "
                    "alone cannot work",
                    "half_pair",
                    f"type the {stored} too",
                    Basis.DOCUMENTED,
                )
            ]
        return None, [
            not_checked(
                CheckId.SINCH_KEY,
                STORED.format(what=stored),
                "stored_secret",
                next_step=f"type the {stored} with the {typed} to check the pair",
                basis=Basis.DOCUMENTED,
            )
        ]
    return None, [
        not_checked(
            CheckId.SINCH_TRUNK,
            "the stored key ID and secret are never returned by Tether",
            "stored_secret",
            next_step="type both again to check this trunk and its domain",
            basis=Basis.DOCUMENTED,
        )
    ]

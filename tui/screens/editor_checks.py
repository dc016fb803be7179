"""The editor's two parts in the credential checks, kept out of the editor's module.

- **The trunk-domain fix.** The review found that the trunk's domain is not the form's
  and the user pressed the key to use the trunk's: the domain goes into the form as an
  ordinary edit (marked changed, counted), and the review opens again to show it.
- **The webhook after a save.** Tether sets up ElevenLabs' post-call webhook after a save
  and only logs a failure. When the save carried a key typed in this session, ask
  ElevenLabs (a few times over some seconds) and add the verdict under the server's
  message in the status panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from tui.checks.verdict import CheckId, CheckResult, TrunkDomainFix, Verdict, pending_line
from tui.printable import printable
from tui.widgets.field_row import FieldRow
from tui.widgets.status_panel import Outcome, Tone

if TYPE_CHECKING:
    from tui.form.state import FormState
    from tui.screens.editor import EditorScreen

DOMAIN_FIELD = "sinchEstTrunkDomain"


def use_trunk_domain(editor: EditorScreen, fix: TrunkDomainFix) -> None:
    """Put the trunk's own domain into the form, then review again."""
    if editor.form is None:
        return
    editor.form = editor.form.with_value(DOMAIN_FIELD, fix.domain)
    row = editor.query_one(f"#row-{DOMAIN_FIELD}", FieldRow)
    row.show_state(editor.form)
    row.warned = bool(editor.form.warnings(DOMAIN_FIELD))
    editor.status.outcome = Outcome.of(
        Tone.INFO, f"Sinch EST trunk domain set to the trunk's own: {fix.domain}. Review again."
    )
    editor.action_review()


def status_lines(result: CheckResult) -> tuple[str, ...]:
    """The verdict as status-panel lines: ``✓ ElevenLabs post-call webhook: attached…``."""
    lines = [f"{result.verdict.symbol} {result.check.label}: {result.summary}"]
    if result.next_step:
        lines.append(f"Next: {result.next_step}.")
    return tuple(lines)


def watch_webhook(editor: EditorScreen, form: FormState, saving: Worker[None] | None) -> None:
    """After ``saving`` has finished (and shown its outcome), check the webhook, when the
    save carried a key typed now and the checks are on."""
    settings = editor.app.checks
    if not settings.enabled or not form.is_changed("elevenlabsApiKey"):
        return
    key = SecretStr(str(form.plain_value("elevenlabsApiKey")))
    editor.run_worker(
        _watch(editor, key, saving), group="webhook", exclusive=True, exit_on_error=False
    )


async def _watch(editor: EditorScreen, key: SecretStr, saving: Worker[None] | None) -> None:
    from tui.api.checks import check_webhook

    if saving is not None:
        try:
            await saving.wait()
        except (WorkerCancelled, WorkerFailed):
            return
    base = editor.status.outcome
    checking = Outcome(base.tone, (*base.lines, pending_line(CheckId.ELEVENLABS_WEBHOOK)))
    editor.status.outcome = checking
    result = await check_webhook(key, editor.app.checks)
    lines = status_lines(result)
    if editor.status.outcome is not checking:
        # The panel has moved on (another action): say it without hiding what it shows.
        severity = "warning" if result.verdict is Verdict.PROBLEM else "information"
        # ElevenLabs' words are in the lines: a toast parses markup unless told not to.
        message = "\n".join(printable(line) for line in lines)
        editor.app.notify(message, severity=severity, timeout=15, markup=False)
        return
    tone = base.tone
    if result.verdict is Verdict.PROBLEM and tone is Tone.SUCCESS:
        tone = Tone.WARNING
    editor.status.outcome = Outcome(tone, (*base.lines, *lines))
    if result.verdict is Verdict.OK:
        await _refresh_summary(editor)


async def _refresh_summary(editor: EditorScreen) -> None:
    """ "On the server now" again, once the webhook is attached: the re-read after the
    save came before Tether attached it, and the summary said it was not configured
    right above a status line saying it is. Only the summary: the form, which the user
    may be editing again, keeps its own loaded state (the review re-reads anyway)."""
    from tui.api.failures import ApiFailure
    from tui.widgets.config_summary import ConfigSummary

    fresh = await editor.app.client.load()
    if not isinstance(fresh, ApiFailure) and not editor.busy:
        editor.query_one(ConfigSummary).show_config(fresh)

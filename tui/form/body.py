"""Where the POST body is built: the changed fields of a form, and nothing else.

Kept apart from the form state so that "what do we send" has exactly one home,
shared by the app's save and by any other front end.
"""

from __future__ import annotations

from tui.api.models import SaveRequest
from tui.form.state import FormState


def build_save_request(form: FormState) -> SaveRequest:
    """The request carrying only what the user changed (``exclude_unset`` does the rest)."""
    changed = {spec.wire_name: form.value(spec.wire_name) for spec in form.changed_specs()}
    return SaveRequest.model_validate(changed)

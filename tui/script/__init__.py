"""The scriptable command line: ``tether-voice show`` and ``tether-voice set``.

The same safety as the app without the screen, for runbooks and scheduled key
rotation on hosts where a full-screen app is not what a script wants. Nothing here
re-implements the app's rules: the field table, :class:`~tui.form.state.FormState`,
:func:`~tui.form.body.build_save_request` (the one place the POST body is built),
the mask, the summary wording and :class:`~tui.api.failures.ApiFailure` are shared.

No Textual anywhere in this package, and every module imports lazily what only one
command needs, so ``tether-voice show`` pays for httpx and pydantic and nothing more.
"""

"""Will it work? The rules that turn an issuer's answer into a verdict.

Pure, like ``tui.form``: no HTTP, no Textual. ``plan`` decides which checks a form
allows, ``elevenlabs``, ``sinch`` and ``webhook`` read the issuers' answers, ``verdict``
words the result. The requests themselves are made by ``tui.api.checks``.
"""

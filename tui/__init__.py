"""tether-voice: view and edit a Tether organization's Voice AI configuration.

Pydantic plugins are switched off for this process, before any model is built:

- a plugin is handed every value validated, and ``SaveRequest`` validates the secrets
  the user typed; code installed beside this app must not see them;
- nothing here needs one, so there is no point in scanning every installed package's
  metadata for them at startup.
"""

import os

os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"

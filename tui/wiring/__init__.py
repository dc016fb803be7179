"""Will the calls work? The wiring of an organization's Voice AI, per number, as verdicts.

Pure: answers in (:mod:`tui.wiring.evidence`, gathered by :mod:`tui.api.wiring`),
findings out (:mod:`tui.wiring.findings`). No HTTP, no Textual. The request list, the
fields and each rule's source are in the team's research notes on wiring checks; every
finding says whether its rule rests on documented, observed or inferred behaviour.
"""

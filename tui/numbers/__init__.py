"""Phone numbers: which have AI on, with which agent, and the toggles the user asked for.

Pure (no Textual, no HTTP): the state (``state``), the agents (``agents``), the filter
(``search``), how an answer counts and when a batch stops (``outcome``), sending in turn
(``batch``) and the rows as text (``view``). The table and ``numbers set`` share all of it.
"""

"""The demo server on its own: the contract it honours, its faults, its lifecycle."""

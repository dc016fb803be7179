"""Where the bearer token comes from and where it is kept (the OS keyring, never a file).

No Textual and no HTTP here: the sign-in screen calls these, and so does the CLI.
"""

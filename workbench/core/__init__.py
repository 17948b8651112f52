"""The headless core: model, workspace files, secrets, request building and sending.

Nothing in this package imports Textual or Rich; the CLI and the TUI share it.
"""

"""workbench: a keyboard-driven terminal API workbench."""

__version__ = "0.1.0"

"""The widgets of the TUI, one per module; each turns model objects into screen content."""

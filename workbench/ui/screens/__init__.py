"""The screens of the TUI: the main screen and the modal dialogs it opens."""

"""The Textual user interface: a thin shell over `workbench.core` (see `app.WorkbenchApp`)."""

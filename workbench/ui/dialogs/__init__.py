"""Modal dialogs, one a file: the questions the desk asks, and the help screen."""

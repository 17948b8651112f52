"""The subcommands of `workbench`, one module each; each has `register(subparsers)`."""

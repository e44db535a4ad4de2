"""Command-line commands: one module per command group, each with `register(subparsers)`.

A command returns its exit code; a StoreError or other user-facing error is printed in
Chinese by __main__, never as a traceback.
"""

COMMAND_MODULES = (
    "analytics.commands.demo",
    "analytics.commands.users",
    "analytics.commands.export",
    "analytics.commands.data",
    "analytics.commands.allocate",
    "analytics.commands.risk",
    "analytics.commands.score",
    "analytics.commands.county",
    "analytics.commands.checks",
    "analytics.commands.followup",
    "analytics.commands.stress",
    "analytics.commands.tasks",
    "analytics.commands.audit",
)

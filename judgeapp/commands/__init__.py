"""The `judgeapp` subcommands, one module each (`register(subparsers)`, `run(args)`)."""

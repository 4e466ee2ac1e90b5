"""`python -m judgeapp`: the same as the `judgeapp` command."""

from judgeapp.cli import process_main

process_main()

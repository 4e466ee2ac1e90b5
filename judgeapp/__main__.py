"""`python -m judgeapp`: the same as the `judgeapp` command."""

import sys

from judgeapp.cli import main

sys.exit(main())

"""Start the judgeapp desktop app: `python main.py [VIDEO]`."""

import sys

from judgeapp.cli import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))

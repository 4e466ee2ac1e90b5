"""Start the judgeapp desktop app: `python main.py [VIDEO]`."""

import multiprocessing
import sys

from judgeapp.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # analyses run in a child process, also in a frozen app
    sys.exit(main(["gui", *sys.argv[1:]]))

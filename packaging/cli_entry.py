"""Entry point of the bundled `judgeapp-cli` program (PyInstaller; see judgeapp.spec).

Like main.py it lets multiprocessing start its children first: the GUI's analyses run in a
child process, and a frozen program is its own child.
"""

import multiprocessing
import sys

from judgeapp.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())

"""Launcher: ``python main.py [--data-dir DIR]`` starts the desktop help desk."""

import sys

from desktop_app.app import main

if __name__ == "__main__":
    sys.exit(main())

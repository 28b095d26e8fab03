"""Frozen entry point: the window, or the CLI when started under the name ``helpdesk-cli``.

One executable serves both, so the bundle carries one copy of the Python archive: Linux and macOS
link ``helpdesk-cli`` to ``helpdesk``; Windows gets a console ``helpdesk-cli.exe`` built from
this same script (a windowed program cannot print to a terminal there).
"""

import sys
from pathlib import Path


def main() -> int:
    if Path(sys.argv[0]).stem == "helpdesk-cli":
        from desktop_app.cli.main import main as cli_main

        return cli_main()
    from desktop_app.app import main as gui_main

    return gui_main()


if __name__ == "__main__":
    sys.exit(main())

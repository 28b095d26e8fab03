"""The first paint must not wait for the services: importing the app loads neither SQLAlchemy nor them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, sys; import desktop_app.app; "
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'extract_msg'} "
    "or m.startswith(('desktop_app.services', 'desktop_app.sync', 'desktop_app.mail')))))"
)


def test_importing_the_app_leaves_the_services_and_sqlalchemy_for_later():
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []

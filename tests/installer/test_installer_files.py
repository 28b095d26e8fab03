"""The installer recipes say what the platforms expect: parsed, not just present."""

from __future__ import annotations

import configparser
import plistlib
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from desktop_app import __version__
from desktop_app.paths import migrations_dir, resources_dir

REPO = Path(__file__).resolve().parents[2]
INSTALLER = REPO / "installer"
EMAIL_MIME_TYPES = {"message/rfc822", "application/vnd.ms-outlook"}


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(REPO / "resources" / "helpdesk.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_email_files_in_the_app() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == "helpdesk"
    assert set(filter(None, entry["MimeType"].split(";"))) == EMAIL_MIME_TYPES
    exec_line = entry["Exec"].split()
    assert exec_line[0] == "helpdesk"
    assert exec_line[-1] == "%F", "files from 'Open with' are passed on"
    assert "--import-email" in exec_line


def test_app_icons_exist_at_every_size() -> None:
    icons = resources_dir() / "icons" / "app"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(icons / f"helpdesk-{size}.png") as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            assert image.getpixel((size // 2, size // 2))[3] == 255, "the middle is drawn, not transparent"
    with Image.open(icons / "helpdesk.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(icons / "helpdesk.icns") as icns:
        assert icns.format == "ICNS"


def test_one_path_helper_finds_resources_and_migrations() -> None:
    assert (resources_dir() / "styles" / "app.qss").is_file()
    assert (migrations_dir() / "env.py").is_file()
    assert (migrations_dir() / "versions" / "0001_initial.py").is_file()


def test_appstream_metainfo_names_the_desktop_entry_and_mime_types() -> None:
    root = ET.parse(INSTALLER / "linux" / "helpdesk.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("launchable") == "helpdesk.desktop"
    assert {m.text for m in root.iter("mediatype")} == EMAIL_MIME_TYPES
    assert root.findtext("summary")


def test_macos_info_plist_declares_eml_and_msg_documents() -> None:
    with (INSTALLER / "macos" / "Info.plist").open("rb") as stream:
        info = plistlib.load(stream)
    assert info["CFBundleShortVersionString"] == __version__
    extensions = {ext for kind in info["CFBundleDocumentTypes"] for ext in kind["CFBundleTypeExtensions"]}
    assert extensions == {"eml", "msg"}
    mime_types = {m for kind in info["CFBundleDocumentTypes"] for m in kind["CFBundleTypeMIMETypes"]}
    assert mime_types == EMAIL_MIME_TYPES


def test_windows_installer_is_per_user_with_start_menu_and_associations() -> None:
    script = (INSTALLER / "windows" / "helpdesk.iss").read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", script, re.MULTILINE)
    assert f'#define AppVersion "{__version__}"' in script
    assert re.search(r'^Name: "\{group\}\\\{#AppName\}"', script, re.MULTILINE), "Start-menu entry"
    for extension in (".eml", ".msg"):
        assert f"Software\\Classes\\{extension}\\OpenWithProgids" in script
    assert '--import-email ""%1""' in script
    assert not re.search(r"^\[UninstallDelete\]", script, re.MULTILINE), "uninstalling must not touch user data"


def test_systemd_unit_runs_the_server_unprivileged() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(INSTALLER / "server" / "helpdesk-server.service", encoding="utf-8")
    service = unit["Service"]
    assert service["User"] == "helpdesk"
    assert "helpdesk-server serve" in service["ExecStart"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_server_requirements_match_the_pins_in_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {_name(req): req for req in project["dependencies"] + project["optional-dependencies"]["server"]}
    lines = (INSTALLER / "server" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = [line for line in lines if line and not line.startswith("#")]
    assert requirements
    for requirement in requirements:
        assert pinned.get(_name(requirement)) == requirement, requirement


def test_containerfile_installs_the_server_and_checks_its_health() -> None:
    recipe = (INSTALLER / "server" / "Containerfile").read_text(encoding="utf-8")
    assert "pip install -r installer/server/requirements.txt" in recipe
    assert "helpdesk-server serve" in recipe
    assert "/health" in recipe
    assert re.search(r"^USER helpdesk$", recipe, re.MULTILINE)


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>]", requirement, maxsplit=1)[0].lower()

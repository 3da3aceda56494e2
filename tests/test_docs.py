"""The README documents what the code offers: every setting, every command, every saved query."""

from __future__ import annotations

from pathlib import Path

from apparat.cli import main
from apparat.query.saved import load_saved_queries
from apparat.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    assert [s.name for s in SETTINGS if f"`{s.name}`" not in README] == []


def test_every_command_is_documented():
    assert [name for name in main.commands if f"apparat {name}" not in README] == []


def test_every_saved_query_is_documented():
    assert [name for name in load_saved_queries(ROOT / "queries") if f"`{name}`" not in README] == []


def test_the_two_commands():
    assert "make serve" in README and "make test" in README
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")

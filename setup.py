"""Packages: every ``apparat*`` folder, and the web app's folder ``server/`` installed as
``apparat.web`` (no import name as generic as ``server`` in site-packages). The rest of
the metadata is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["apparat", "apparat.*"]), "apparat.web"],
    package_dir={"apparat.web": "server"},
)

"""``python -m apparat`` is the ``apparat`` command."""

from .cli import main

main()

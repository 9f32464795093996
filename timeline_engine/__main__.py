"""``python -m timeline_engine`` runs the ``timeline`` command."""

from .cli.app import main

main()

"""``python -m cli`` runs the ``timeline`` command."""

from cli.app import main

main()

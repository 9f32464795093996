"""The ``timeline`` command line."""

from cli.app import app, main

__all__ = ["app", "main"]

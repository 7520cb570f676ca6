"""``python -m sc2d`` runs the command line."""

from .cli import main

main()

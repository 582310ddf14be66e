"""`python -m filmsofone` runs the command line."""

from .cli import main

main()

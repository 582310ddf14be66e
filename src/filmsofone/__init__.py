"""filmsofone: personal cinema from the books people love.

The pipeline, one package per stage:
ingest -> analysis -> bible -> plan -> prompts -> backends -> generate -> assemble -> watch,
with `store` (SQLite through SQLModel) and `cli` (typer) beside them.

Importing this package is cheap: no model, database or ffmpeg is touched at import time.
"""

__version__ = "0.1.0"

"""(filled by its stage)."""

"""Validation of the model against theory and history (see ``docs/validation.md``)."""

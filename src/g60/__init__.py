"""G60 Valley Platform."""

"""User-facing texts, one module per page: `TEXT = {"zh": {...}, "en": {...}}` with the same keys."""

"""Page texts, one module per page: `TEXT = {"zh": {...}, "en": {...}}` with the same keys in both."""

"""Files in: reading spreadsheets, validation, the import report, boundaries, templates."""

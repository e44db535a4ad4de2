"""Who may see what: users and roles, township scope, masking of personal data."""

"""Heavy work started from a page (an import commit, a model training), run outside the server."""

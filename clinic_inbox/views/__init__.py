"""Staff pages, one module per page: views authenticate, read through selectors, write
through one service, and redirect with a message."""

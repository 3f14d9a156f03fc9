"""Vista schema catalog: import a shop's schema, compile it, search it."""

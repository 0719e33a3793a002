"""Partners: the organisations and people every plugin deals with."""

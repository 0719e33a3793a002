"""Core web: the shell (layout, navigation, dashboard), health, plugins page, errors."""

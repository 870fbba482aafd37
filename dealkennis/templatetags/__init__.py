"""Template tags of the core."""

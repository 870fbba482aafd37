"""Management commands (upper layer: thin wrappers over the core and dealkennis.content)."""

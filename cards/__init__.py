"""The cards app: inspiration cards (a practical question, a short answer, the experience behind it)."""

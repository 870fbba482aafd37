"""Questions nobody could answer yet: readers asking the coordinators, and searches that found nothing."""

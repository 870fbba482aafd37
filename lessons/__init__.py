"""The lessons app: lessons from deal practice, the share form and the review of shared lessons."""

"""Evaluation harnesses: retrieval quality against a relevance set (and, later, drafts
against reference roadmaps)."""

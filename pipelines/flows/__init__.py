"""Prefect flows: thin wrappers that orchestrate the plain steps in pipelines.refresh."""

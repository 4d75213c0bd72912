"""Prefect flows and tasks (thin orchestration) and the HTTP client they call."""

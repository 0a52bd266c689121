"""The derived index (placeholder docstring, written at the end)."""

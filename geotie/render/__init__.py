"""Rendering: row schemas per view (`rows`), plain writers (`writers`), Rich views (`terminal`).

Only `terminal` imports Rich, and only the CLI imports `terminal`, when a table is asked for.
"""

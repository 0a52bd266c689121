"""`geotie draft`: candidate events from a plain-text article, for a curator to review.

`sentences` cuts the text, `mojibake` repairs spoiled names for matching, `when` dates each
sentence (absolute forms, and relative ones from `claims.relative_dates` resolved against the
publication date), `actors` finds the store's actors and unknown names, `status` guesses a
status, `propose` puts it together, `output` writes TOML and JSON, `measure` compares drafts
with a store. Pure: no Typer, no Rich, no I/O but what the caller passes in."""

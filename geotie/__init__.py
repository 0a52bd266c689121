"""geotie: dated, sourced facts about the ties between states and the people who carry them."""

__version__ = "0.1.0"

"""Catalog helpers shared by every area: maturity levels, use of AI and visibility."""

"""Catalog helpers shared by every area: maturity levels and visibility."""

"""Artwork made by the app itself: recipes (what each variant looks like) and SVG drawing."""

"""Demo data: the catalog and simulated viewers, and the MovieLens importer."""

"""The store: parsed articles and their mentions in one DuckDB file, and ingesting into it."""

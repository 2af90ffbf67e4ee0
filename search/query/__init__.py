"""Stage 4, query: what users type and ask for -> searches of the engine -> results, facets,
snippets, suggestions (engine-neutral)."""

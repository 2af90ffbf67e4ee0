"""Stage 5, web: the Flask blueprint (routes only), page contexts, links of the URL state, exports."""

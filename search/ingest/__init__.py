"""Stage 1, ingest: chapter files (text or PDF) -> records (headings, paragraphs, decision clauses, footnotes)."""

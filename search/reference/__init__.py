"""Stage 2, references: what the records name (UN documents cited, countries and organisations,
Charter articles, meetings from the UN tables), resolved and checked."""

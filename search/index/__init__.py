"""Stage 3, index: records -> engine-neutral documents -> index generations on disk (build.py drives
the engines of search.engines; store.py swaps generations in atomically)."""

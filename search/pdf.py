"""Chapter PDF -> chapter text in the layout the chapter reader takes (to be written)."""
from .errors import CorpusError


def read_pdf_text(path):
    """The chapter text of a PDF, with footnote markers as sentinels: (text, warnings)."""
    raise CorpusError(path, "PDF chapters are not supported yet")

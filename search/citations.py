"""Footnote text -> citations of UN documents, with ibid resolution and undocs.org links."""
from dataclasses import dataclass

UNDOCS = "https://undocs.org/{lang}/{symbol}"


@dataclass(frozen=True)
class Citation:
    """One cited place: a document symbol, its pages and who spoke there."""

    symbol: str | None
    pages: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    on_behalf_of: str | None = None

    @property
    def url(self):
        return document_url(self.symbol, "zh") if self.symbol else None

    @property
    def url_en(self):
        return document_url(self.symbol, "en") if self.symbol else None

    def to_dict(self):
        return {
            "symbol": self.symbol,
            "pages": list(self.pages),
            "speakers": list(self.speakers),
            "on_behalf_of": self.on_behalf_of,
            "url": self.url,
            "url_en": self.url_en,
        }


def document_url(symbol, lang="zh"):
    """The undocs.org address that opens `symbol` in `lang` ("zh" or "en")."""
    return UNDOCS.format(lang=lang, symbol=symbol)

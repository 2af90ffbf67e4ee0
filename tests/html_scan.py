"""A small HTML scanner (stdlib only): the elements of a page by tag, class and attributes."""
from html.parser import HTMLParser


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.parts = tag, dict(attrs), []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def text(self):
        return "".join(self.parts).strip()

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def __getitem__(self, name):
        return self.attrs[name]


class _Scanner(HTMLParser):
    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


def find(response, tag=None, cls=None, **attrs):
    """Elements of the response's HTML by tag, class and attribute values (`id_` for `id`)."""
    scanner = _Scanner()
    scanner.feed(response.get_data(as_text=True))
    return [e for e in scanner.elements
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
            and all(e.get(k.rstrip("_")) == v for k, v in attrs.items())]

"""Domain errors whose messages name the bad input."""


class RepertoireError(Exception):
    """Base class: an error we expect and report in one line, never as a traceback."""


class CorpusError(RepertoireError):
    """A chapter file cannot be read as a Repertoire chapter ("seeds/x.txt: line 12: ...")."""

    def __init__(self, path, message, line=None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}: line {line}" if line else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # Raised in build worker processes and re-raised in the parent: keep it picklable.
        return (type(self), (self.path, self.message, self.line))


class IndexError_(RepertoireError):
    """The index is missing, locked or unreadable."""


class QueryError(RepertoireError):
    """A request parameter is invalid (the message says which and why); HTTP 400."""

    def __init__(self, message, param=None):
        self.param = param
        super().__init__(message)

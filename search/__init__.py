"""Repertoire Search: full-text search over the Chinese Repertoire of the Practice of the Security Council."""

from . import config


def _json_provider():
    import orjson
    from flask.json.provider import DefaultJSONProvider

    class JSONProvider(DefaultJSONProvider):
        """JSON by orjson (a search's JSON cost 0.86 ms with the standard library, 0.07 ms with it).
        Chinese stays readable; <, > and & are escaped so that no echoed text is ever markup; dicts
        keep the order they are built in."""

        ensure_ascii = False
        sort_keys = False

        def encode(self, obj):
            """UTF-8 JSON bytes of `obj`, markup characters escaped."""
            try:
                data = orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)
            except TypeError:  # a type orjson does not know: Flask's own encoder knows more
                data = super().dumps(obj).encode("utf-8")
            return data.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")

        def dumps(self, obj, **kwargs):
            if kwargs:  # options orjson does not take (indent=...): the standard library's encoder
                text = super().dumps(obj, **kwargs)
                return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            return self.encode(obj).decode("utf-8")

        def response(self, *args, **kwargs):
            body = self.encode(self._prepare_response_obj(args, kwargs)) + b"\n"
            return self._app.response_class(body, mimetype=self.mimetype)

    return JSONProvider


def create_app(test_config=None):
    """Create the Flask application (the factory pattern of flaskr)."""
    from flask import Flask

    # templates/ and static/: at the top level of a checkout, inside the package once installed (config.PROJECT_ROOT).
    app = Flask(
        __name__,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(
        # The index, built by `python -m search build`: REPERTOIRE_INDEX_DIR, else instance/index
        # (config.index_dir, which the command line and gunicorn.conf.py ask too).
        INDEX_DIR=str(config.index_dir()),
        # Chapter files indexed when no index exists yet (REPERTOIRE_SEEDS_DIR, else seeds/).
        SEEDS_DIR=str(config.seeds_dir()),
        # Hits per page in the HTML interface.
        PAGE_SIZE=config.PAGE_SIZE,
    )
    if test_config:
        app.config.update(test_config)

    app.json = _json_provider()(app)

    from .web import routes, state

    app.register_blueprint(routes.bp)
    state.init_app(app)
    return app

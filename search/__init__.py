"""Repertoire Search: full-text search over the Chinese Repertoire of the Practice of the Security Council."""

from . import config


def _json_provider():
    from flask.json.provider import DefaultJSONProvider

    class JSONProvider(DefaultJSONProvider):
        """Chinese stays readable; <, > and & are escaped so that no echoed text is ever markup."""

        ensure_ascii = False
        sort_keys = False  # dicts keep the order they are built in; sorting every one cost 10% of a search's JSON

        def dumps(self, obj, **kwargs):
            text = super().dumps(obj, **kwargs)
            return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

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

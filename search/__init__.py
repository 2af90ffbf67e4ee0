"""Repertoire Search: full-text search over the Chinese Repertoire of the Practice of the Security Council."""
import os
from importlib import resources
from pathlib import Path


def _project_root():
    """The folder holding templates/, static/ and seeds/."""
    # A checkout keeps them beside the package; a wheel carries them inside it (pyproject.toml's package-dir).
    package = Path(str(resources.files(__name__)))
    return package if (package / "templates").is_dir() else package.parent


PROJECT_ROOT = _project_root()


def _json_provider():
    from flask.json.provider import DefaultJSONProvider

    class JSONProvider(DefaultJSONProvider):
        """Chinese stays readable; <, > and & are escaped so that no echoed text is ever markup."""

        ensure_ascii = False

        def dumps(self, obj, **kwargs):
            text = super().dumps(obj, **kwargs)
            return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    return JSONProvider


def create_app(test_config=None):
    """Create the Flask application (the factory pattern of flaskr)."""
    from flask import Flask

    # templates/ and static/: at the top level of a checkout, inside the package once installed (_project_root).
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(
        # Where the Whoosh index lives; built by `python -m search build`.
        INDEX_DIR=os.path.join(app.instance_path, "index"),
        # Chapter files indexed when no index exists yet.
        SEEDS_DIR=str(PROJECT_ROOT / "seeds"),
        # Hits per page in the HTML interface.
        PAGE_SIZE=20,
    )
    for key in ("INDEX_DIR", "SEEDS_DIR"):
        value = os.environ.get(f"REPERTOIRE_{key}")
        if value:
            app.config[key] = value
    if test_config:
        app.config.update(test_config)

    app.json = _json_provider()(app)

    from . import web

    app.register_blueprint(web.bp)
    web.init_app(app)
    return app

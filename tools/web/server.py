"""How `python -m tools serve` runs uvicorn: the logging of every worker process.

uvicorn's access log is replaced by tools.web.middleware's own line per request
(`GET /api/search 200 12.3 ms`: no query string, so searches stay out of the logs).
"""

from __future__ import annotations

from tools.web.limits import MAX_REQUEST_HEAD

# uvicorn options of every server: its HTTP parser (h11) reads a request head as long as the
# longest query string the app accepts, so that refusals past it are the app's (414 or a page).
HTTP_OPTIONS = {"h11_max_incomplete_event_size": MAX_REQUEST_HEAD}


def log_config(quiet: bool = False) -> dict:
    """A logging.config.dictConfig dict for uvicorn (applied in each worker process): uvicorn's own
    messages and the `tools.web` request lines on stderr, timestamped."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(process)d %(levelname)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "tools.web": {"handlers": ["stderr"], "level": "WARNING" if quiet else "INFO", "propagate": False},
        },
    }

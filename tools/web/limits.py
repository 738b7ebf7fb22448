"""The server's limits, in one place (read by the handlers, the middleware and the OpenAPI document).

Query length, page and page size are the engine's (tools.search.engine: MAX_QUERY_CHARS, MAX_PAGE,
MAX_PAGE_SIZE); words, word length and filter values are tools.search.query's, re-exported here;
the others are what only the HTTP layer needs.
"""

from tools.search.engine import MAX_QUERY_CHARS

# Defined with the query's other limits, where the site (the search page's messages) reads them too.
from tools.search.query import MAX_FILTER_VALUES, MAX_QUERY_TERMS, MAX_TERM_CHARS  # noqa: F401

MAX_PARAMS = 40  # parameters in one request
# The longest percent-encoded form of one character: 4 UTF-8 bytes (outside the BMP), each %XX.
ESCAPED_CHAR_BYTES = 12
# Room for everything beside q: parameter names, page, ui and MAX_FILTER_VALUES filter values
# (country codes and vocabulary slugs, percent-encoded, up to ~100 bytes each).
OTHER_PARAMS_BYTES = 4096
# Bytes of the raw query string: any query the engine accepts (MAX_QUERY_CHARS characters of any
# script, percent-encoded) plus filters fits; 414 beyond.
MAX_QUERY_STRING = MAX_QUERY_CHARS * ESCAPED_CHAR_BYTES + OTHER_PARAMS_BYTES
# Bytes of a request's head (request line and headers) that uvicorn's HTTP parser (h11) reads
# before answering a bare 400 of its own: room for the longest accepted query string, a path and
# a browser's headers, so that the refusal past MAX_QUERY_STRING is this server's (414 or a page);
# tools.web.server.HTTP_OPTIONS passes it to uvicorn.
MAX_REQUEST_HEAD = MAX_QUERY_STRING + 16 * 1024
SEARCH_SECONDS = 5.0  # time limit of one search, completion or entry read, queueing included
SEARCH_THREADS = 4  # engine calls at once per process; the others queue
MAX_WAITING = 64  # queued engine calls beyond which a request is turned away at once (503)
SWAP_GRACE = 0.5  # seconds to wait for an index being swapped in before answering 503
# Seconds a worker process may take to answer the supervisor's health check (uvicorn's
# timeout_worker_healthcheck, 5 by default) before it is killed and replaced. A new worker answers
# only once its interpreter has started and imported uvicorn and the CLI (~0.4 s of CPU), and the
# check waits behind the warm-up's long calls (a full garbage collection of the opened index): on
# a loaded machine 5 s passed before that, and uvicorn killed worker after worker while they
# started (seen at load average 18). A worker that really hangs is replaced this much later, and
# meanwhile the supervisor (which checks its workers one after the other, between signals)
# stops on Ctrl-C or SIGTERM only once that check has timed out.
WORKER_HEALTHCHECK = 60

"""The server's limits, in one place (read by the handlers, the middleware and the OpenAPI document).

Query length, page and page size are the engine's (tools.search.engine: MAX_QUERY_CHARS, MAX_PAGE,
MAX_PAGE_SIZE); these add what only the HTTP layer needs.
"""

MAX_QUERY_STRING = 4096  # bytes of the raw query string; 1,000 Arabic characters escape to ~5,400: 414 beyond
MAX_PARAMS = 40  # parameters in one request
MAX_QUERY_TERMS = 32  # words in q
MAX_TERM_CHARS = 64  # letters in one word of q: the spelling repair's cost grows with a word's length
MAX_FILTER_VALUES = 30  # values over all facet parameters
SEARCH_SECONDS = 5.0  # time limit of one search, completion or entry read, queueing included
SEARCH_THREADS = 4  # engine calls at once per process; the others queue
MAX_WAITING = 64  # queued engine calls beyond which a request is turned away at once (503)
SWAP_GRACE = 0.5  # seconds to wait for an index being swapped in before answering 503

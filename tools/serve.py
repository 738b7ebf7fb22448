"""Serve the built site and the search API with uvicorn: python -m tools.serve [--host H] [--port P]."""

from __future__ import annotations

import argparse

import uvicorn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the knowledge base and its search API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    print(f"Serving on http://{args.host}:{args.port}/ (search API at /api/search; Ctrl-C to stop)")
    uvicorn.run("tools.api:app", host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

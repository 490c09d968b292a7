"""Start the app: `python -m alliance.app.serve [streamlit options]` is `streamlit run dashboard.py`
with the upload bounds (alliance.app.uploads) in force before the server takes its first
request. Run from the project root, where .streamlit/config.toml is."""

from __future__ import annotations

import sys

from alliance.app.uploads import bound_uploads


def main(argv: list[str] | None = None) -> None:
    """Bound uploads, then hand over to Streamlit's own command line."""
    bound_uploads()
    from streamlit.web import cli

    cli.main(["run", "dashboard.py", *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()

"""python -m rnn_core: the command line (see rnn_core.cli and docs/cli.md)."""

from .cli import main

raise SystemExit(main())

"""`python -m bot` runs the same CLI as the `chatwire` command."""

from bot.cli import main

raise SystemExit(main())

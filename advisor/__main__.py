"""``python -m advisor``: the same as the ``ecs-advisor`` command."""

from advisor.cli import main

raise SystemExit(main())

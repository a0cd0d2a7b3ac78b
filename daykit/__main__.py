from daykit.cli import main

raise SystemExit(main())

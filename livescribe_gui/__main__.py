from livescribe_gui.app import main

raise SystemExit(main())

import sys

from sc_contracts.cli import main

sys.exit(main())

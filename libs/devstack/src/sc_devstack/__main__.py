import sys

from sc_devstack.run import main

sys.exit(main())

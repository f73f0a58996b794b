"""`python -m licflow.translations`: update the catalogs."""

import sys

from licflow.translations import main

sys.exit(main())

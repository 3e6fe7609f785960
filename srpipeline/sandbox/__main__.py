import sys

from srpipeline.sandbox.cli import main

sys.exit(main(sys.argv[1:]))

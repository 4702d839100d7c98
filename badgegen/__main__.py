"""Entry point for `python -m badgegen`."""

from badgegen.cli import main

# The program name shows in --help and in usage errors; `python -m` would
# otherwise show "__main__.py".
main(prog_name="badgegen")

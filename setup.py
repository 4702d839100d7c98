"""Finds badgegen's packages; every other setting is in setup.cfg.

setup.cfg's `find:` cannot add templates/, which lives at the top level of the
repository and installs as badgegen.templates (package_dir in setup.cfg), so
the packages are found here and that one mapped package is added to them.
"""

from setuptools import find_namespace_packages, setup

# Namespace packages too, so that badgegen/data/ ships as the data it is.
FOUND = find_namespace_packages(include=["badgegen", "badgegen.*"], exclude=["*.__pycache__"])

setup(packages=[*FOUND, "badgegen.templates"])

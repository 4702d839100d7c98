"""Sphinx's settings for badgegen's reference: Markdown pages (MyST), the command-line
reference generated from the click commands (sphinx-click); built by .ci/run with warnings
as errors (`sphinx-build -W --keep-going -n docs build/docs`), published by Read the Docs."""

from __future__ import annotations

import badgegen

project = "badgegen"
author = "the badgegen contributors"
copyright = "the badgegen contributors"
release = badgegen.__version__
extensions = ["myst_parser", "sphinx_click"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
# Links to a heading of a page ([x](records.md#history)) resolve and are checked.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]
html_theme = "furo"
html_title = "badgegen"
html_static_path: list[str] = []
nitpicky = True

"""Jinja2 badge templates; installed as the package badgegen.templates."""

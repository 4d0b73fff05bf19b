"""Jinja2 templates for emails and web pages; a package only so it installs as ``sendwatch.templates``."""

"""pytest: the Sphinx configuration and the generated pages are not tests."""

collect_ignore = ["conf.py"]
collect_ignore_glob = ["_ext/*", "_generated/*", "_build/*"]

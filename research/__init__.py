"""Pseudo-cohort research tooling: search, ensembles, coding evidence, logit, training.

Imports ``models`` (the runtime model); ``models`` never imports this package.
"""

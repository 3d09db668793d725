"""Rendering helpers shared by the pages: case state, inputs, results, charts, model access.

Nothing here computes a score or a probability: it asks ``scoring`` and ``models`` and
renders their answers.
"""

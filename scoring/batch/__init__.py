"""Batch scoring of a cohort file: ``python cli.py score INPUT -o OUTPUT``.

Researchers score whole cohorts; a million rows must not take a Python loop per row, and
no row may get a different score than the calculator would give it. The scores come from
the single-case scorers themselves through lookups (``lookups``); files are read and
written with Apache Arrow (CSV or Parquet, ``reader`` and ``writer``).

Public surface: ``run_batch`` and the command's ``add_arguments``/``run``; the file
format (``COLUMNS``, ``REQUIRED``, ``OUTPUT_COLUMNS``); the ``ExtraColumns`` hook through
which the model adds its columns.
"""

from scoring.batch.columns import (
    COLUMNS,
    LAB_COLUMNS,
    OPTIONAL,
    REQUIRED,
    CodedColumn,
    LabColumn,
    WholeColumn,
    YesNoColumn,
)
from scoring.batch.command import (
    DEFAULT_CHUNK_SIZE,
    BatchSummary,
    add_arguments,
    run,
    run_batch,
)
from scoring.batch.lookups import SCORES, Scorer, ScoreSpec
from scoring.batch.output import OUTPUT_COLUMNS, OUTPUT_FIELDS, ExtraColumns, ScoredChunk
from scoring.batch.parse import arrow_text, parse_chunk
from scoring.batch.reader import MalformedFileError
from scoring.batch.writer import StopSignalError

__all__ = [
    "COLUMNS",
    "DEFAULT_CHUNK_SIZE",
    "LAB_COLUMNS",
    "OPTIONAL",
    "OUTPUT_COLUMNS",
    "OUTPUT_FIELDS",
    "REQUIRED",
    "SCORES",
    "BatchSummary",
    "CodedColumn",
    "ExtraColumns",
    "LabColumn",
    "MalformedFileError",
    "ScoreSpec",
    "ScoredChunk",
    "Scorer",
    "StopSignalError",
    "WholeColumn",
    "YesNoColumn",
    "add_arguments",
    "arrow_text",
    "parse_chunk",
    "run",
    "run_batch",
]

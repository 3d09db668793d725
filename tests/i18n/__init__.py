"""Tests of the i18n package: catalogues, translators, sessions and the glossary."""

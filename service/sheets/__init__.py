"""Spreadsheets in and out: the people's import template, checking a sheet, storing it."""

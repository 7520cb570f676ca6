"""File-level analyses: read a file, run one analysis, return its result.

One module per command (``tasks.tc``, ``tasks.hall`` ...). The command line
prints what these return (``result.to_dict()``); the report calls the same
functions, so a number in ``results.json`` is exactly what ``sc2d CMD --json``
prints for the same file and options.
"""

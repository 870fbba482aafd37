"""Content that is made rather than edited: the demo content, the benchmark corpus, the benchmark.

`demo` loads the TOML demo content, `corpus` generates Dutch-like corpora from it, and `bench` holds
the benchmark's measuring logic; the management commands that run them only parse their arguments.
"""

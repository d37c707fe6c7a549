"""Benchmark of the dashboard's pages against a naive Folium page, at 1x, 10x and 100x the data.

Run it with ``python -m benchmarks.run`` (or ``make bench``); see ``benchmarks/README.md`` for
what each figure means and how it is measured.
"""

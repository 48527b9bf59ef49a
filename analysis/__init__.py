"""月报: figures over many registers' cases with pandas (issue 16).

Aggregation only: the per-case rules stay in `aftersales/`. The add-in never imports this package and
the xlwings Lite build leaves it out, so xlwings Lite never downloads pandas.
"""

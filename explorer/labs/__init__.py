"""One folder per lab, the same inside: tab.py, figures.py, views.py, strings.py."""

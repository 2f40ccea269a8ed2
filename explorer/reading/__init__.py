"""The reading companion: each paper read in three passes (guide.py, guides/*.md), and the scorecard."""

"""The Transformer lab (Vaswani et al. 2017)."""

"""Serving the app: the run store and launcher, public-demo limits, GPUs and ZeroGPU."""

"""Headless training: configs, data, the loop, the run store and the CLI. Never imports the UI stack."""

"""The Runs tab: every run in the store, launched, compared, stopped, resumed, downloaded."""

"""What the labs share: i18n, plot style, the experiment panel and its poll, reference runs, the yardstick."""

import sys

from train import signals

signals.install()  # before torch is imported: a stop can arrive while it loads

from train.cli import main  # noqa: E402

sys.exit(main())

"""The AlexNet lab (Krizhevsky, Sutskever, Hinton 2012)."""

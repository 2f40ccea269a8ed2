"""The three papers' architectures, one file each; no trainer or UI code here."""

"""The ResNet lab (He, Zhang, Ren, Sun 2015)."""

"""labs/alexnet"""

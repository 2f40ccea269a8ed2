"""labs/transformer"""

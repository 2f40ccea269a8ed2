"""labs/runs"""

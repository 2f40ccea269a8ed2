"""labs/resnet"""

"""Shipped data for training and evaluation (the evaluation question set)."""

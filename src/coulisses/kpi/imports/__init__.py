"""Readers of each platform's analytics exports: detect, parse cells, stream rows."""

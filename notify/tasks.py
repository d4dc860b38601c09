"""Thin Celery tasks: each loads by primary key and calls one service."""

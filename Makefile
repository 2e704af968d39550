.PHONY: setup check test dev bench

setup:
	scripts/bootstrap

check: setup
	.venv/bin/ruff check src tests benchmarks examples
	.venv/bin/mypy

test:
	scripts/test

dev:
	scripts/dev

bench: setup
	.venv/bin/python benchmarks/definitions.py

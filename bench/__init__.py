"""The benchmark harness (docs/performance.md): `.venv/bin/python -m bench --sizes 1000,100000`."""

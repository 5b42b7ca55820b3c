"""gunicorn reads this file from the working directory (the project root, as in the Dockerfile, compose
and dev.py): its access log masks invitation link tokens (partnercenter.log_filters)."""

from partnercenter.log_filters import gunicorn_logger_class

logger_class = gunicorn_logger_class()

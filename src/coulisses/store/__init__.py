"""The studio's database: SQLAlchemy 2 tables (``tables``), engines and migrations (``db``)."""

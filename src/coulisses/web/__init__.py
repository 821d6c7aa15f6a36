"""The studio: a FastAPI app (``app.create_app``) over the studio database and job queue."""

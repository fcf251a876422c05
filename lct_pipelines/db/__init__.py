"""Database access shared by every layer: the SQLAlchemy models, engines, SQL files and the staged swap."""

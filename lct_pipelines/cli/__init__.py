"""The `lct` command: thin, calls the layers below."""

"""The HTTP service over the matcher engine: `service.app.create_app()`, run by `matcher serve`."""

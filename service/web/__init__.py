"""The service's pages for people: server-rendered templates over the same store and engine."""

from service.web.pages import install

__all__ = ["install"]

"""Errors the sandbox shop answers with.

Every error body has one shape: ``{"error": <inner code>, "message": "<text>"}``. The inner code is
the shop's documented one where it has one (40008, 40009, 40010, 40017, 40101, 40401), otherwise the
HTTP status itself (403, 404, 405, 429, 500, 503, 504; 400 for a bad ``limit`` or batch).
"""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message}


def page_not_found(page: int, last: int) -> ApiError:
    return ApiError(400, 40008, f"Page not found! The requested page: {page}, the last page: {last}.")


def unknown_parameter(name: str) -> ApiError:
    return ApiError(400, 40010, f"The given parameter: {name} is not available!")


def not_found(what: str) -> ApiError:
    return ApiError(404, 40401, f"The requested resource is not found: {what}")

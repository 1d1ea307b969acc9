"""Every error the API returns is RFC 9457 problem+json, mapped here and nowhere else.

Validation errors keep the location and message of each error but never echo the input (it may hold
personal data); unexpected exceptions become a bare 500 with no trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from docket.errors import DocketError

log = logging.getLogger("docket.service")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details; `code` is docket's stable machine-readable error code."""

    type: str = Field("about:blank", examples=["https://docket.local/problems/limit_exceeded"])
    title: str = Field(examples=["Content Too Large"])
    status: int = Field(examples=[413])
    detail: str | None = Field(None, examples=["the file is larger than 50 MB"])
    instance: str | None = Field(None, examples=["/v1/documents"])
    code: str = Field(examples=["limit_exceeded"])
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    """An error raised by a router: a status, a code and a message for the client."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}


def problem_response(
    status: int,
    code: str,
    detail: str | None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = Problem(
        type=f"https://docket.local/problems/{code}",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "limit_exceeded",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(DocketError)
    async def _docket_error(request: Request, exc: DocketError) -> JSONResponse:
        return problem_response(exc.http_status, exc.code, exc.message, request.url.path)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.detail, request.url.path, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(exc.status_code, code, detail, request.url.path, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "")),
                "type": error.get("type"),
            }
            for error in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'])}: {first['msg']}" if first["loc"] else first["msg"]
        return problem_response(422, "invalid_request", detail, request.url.path, errors=errors)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem_response(500, "internal_error", "internal error; the request was not completed")

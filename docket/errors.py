"""Errors a caller can act on. Every one carries a short, human message; none carries a traceback."""


class DocketError(Exception):
    """Base class: the message is safe to show to a user or an API client."""

    code = "docket_error"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(DocketError):
    """The input cannot be processed as given (missing, empty, unreadable)."""

    code = "bad_input"
    http_status = 400


class UnsupportedFormat(InputError):
    code = "unsupported_format"
    http_status = 415


class LimitExceeded(InputError):
    """Pages, pixels, size, decompressed size or the time budget ran over a configured limit."""

    code = "limit_exceeded"
    http_status = 413


class EncryptedDocument(InputError):
    code = "encrypted"
    http_status = 422


class CorruptDocument(InputError):
    code = "corrupt"
    http_status = 422


class ConfigError(DocketError):
    code = "config_error"
    http_status = 500


class ModelNotFound(DocketError):
    code = "model_not_found"
    http_status = 503


class IncompatibleModel(DocketError):
    """A model bundle on disk was written with another format version or is damaged."""

    code = "incompatible_model"
    http_status = 503

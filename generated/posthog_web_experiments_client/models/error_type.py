from enum import StrEnum


class ErrorType(StrEnum):
    AUTHENTICATION_ERROR = "authentication_error"
    INVALID_REQUEST = "invalid_request"
    SERVER_ERROR = "server_error"
    THROTTLED_ERROR = "throttled_error"
    VALIDATION_ERROR = "validation_error"

    def __str__(self) -> str:
        return str(self.value)

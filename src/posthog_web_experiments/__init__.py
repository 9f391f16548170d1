"""Typed Python SDK for PostHog's web experiments API, with retries, pagination and typed errors."""

from posthog_web_experiments_client.models import (
    ControlTransform,
    ControlVariant,
    Error,
    ErrorType,
    PaginatedWebExperimentList,
    Transform,
    TransformAttribute,
    UrlMatchType,
    UtmConditions,
    Variant,
    VariantConditions,
    WebExperiment,
    WebExperimentCreate,
    WebExperimentPartialUpdate,
    WebExperimentUpdate,
    WebExperimentVariants,
)

from ._async.client import AsyncPostHogWebExperiments
from ._base_client import USER_AGENT
from ._config import DEFAULT_HOST, DEFAULT_PROJECT_ID, DEFAULT_TIMEOUT
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    PostHogError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from ._logging import enable_debug_logging
from ._retries import RetryPolicy
from ._sync.client import PostHogWebExperiments
from ._version import __version__

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PROJECT_ID",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncPostHogWebExperiments",
    "AuthenticationError",
    "ConfigurationError",
    "ControlTransform",
    "ControlVariant",
    "Error",
    "ErrorType",
    "NotFoundError",
    "PaginatedWebExperimentList",
    "PermissionDeniedError",
    "PostHogError",
    "PostHogWebExperiments",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "Transform",
    "TransformAttribute",
    "UnexpectedResponseError",
    "UrlMatchType",
    "UtmConditions",
    "ValidationError",
    "Variant",
    "VariantConditions",
    "WebExperiment",
    "WebExperimentCreate",
    "WebExperimentPartialUpdate",
    "WebExperimentUpdate",
    "WebExperimentVariants",
    "__version__",
    "enable_debug_logging",
]

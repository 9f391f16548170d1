"""Contains all the data models used in inputs/outputs"""

from .control_transform import ControlTransform
from .control_variant import ControlVariant
from .error import Error
from .error_type import ErrorType
from .paginated_web_experiment_list import PaginatedWebExperimentList
from .transform import Transform
from .transform_attribute import TransformAttribute
from .url_match_type import UrlMatchType
from .utm_conditions import UtmConditions
from .variant import Variant
from .variant_conditions import VariantConditions
from .web_experiment import WebExperiment
from .web_experiment_create import WebExperimentCreate
from .web_experiment_partial_update import WebExperimentPartialUpdate
from .web_experiment_update import WebExperimentUpdate
from .web_experiment_variants import WebExperimentVariants

__all__ = (
    "ControlTransform",
    "ControlVariant",
    "Error",
    "ErrorType",
    "PaginatedWebExperimentList",
    "Transform",
    "TransformAttribute",
    "UrlMatchType",
    "UtmConditions",
    "Variant",
    "VariantConditions",
    "WebExperiment",
    "WebExperimentCreate",
    "WebExperimentPartialUpdate",
    "WebExperimentUpdate",
    "WebExperimentVariants",
)

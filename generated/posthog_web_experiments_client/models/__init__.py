"""Contains all the data models used in inputs/outputs"""

from .any_control_variant import AnyControlVariant
from .any_selected_transform import AnySelectedTransform
from .any_variant import AnyVariant
from .control_transform import ControlTransform
from .control_variant import ControlVariant
from .empty_transforms import EmptyTransforms
from .error import Error
from .error_type import ErrorType
from .paginated_web_experiment_list import PaginatedWebExperimentList
from .stored_conditions import StoredConditions
from .stored_transform import StoredTransform
from .stored_transform_attribute import StoredTransformAttribute
from .stored_utm_conditions import StoredUtmConditions
from .stored_variant import StoredVariant
from .stored_variants import StoredVariants
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
    "AnyControlVariant",
    "AnySelectedTransform",
    "AnyVariant",
    "ControlTransform",
    "ControlVariant",
    "EmptyTransforms",
    "Error",
    "ErrorType",
    "PaginatedWebExperimentList",
    "StoredConditions",
    "StoredTransform",
    "StoredTransformAttribute",
    "StoredUtmConditions",
    "StoredVariant",
    "StoredVariants",
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

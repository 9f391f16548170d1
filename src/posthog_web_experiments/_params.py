"""Typed request bodies: `TypedDict`s of openapi.yaml's create, update and partial-update bodies.

A plain dict passed to `create()`, `update()` or `partial_update()` is checked by mypy against
these, as openai-python's request params are: `client.create({"name": 1})` is a type error.
They follow the spec's conventional typed shapes (`ControlVariant`, `Variant`, `Transform`, ...);
the looser shapes the server also accepts (a number as the name, which it stores as a string;
`AnyVariant`'s `transforms` as `{}` or `""`; extra keys) are sent with the generated models or a
`cast`. tests/sdk/test_params.py checks every field against openapi.yaml. (No postponed
annotations here: `TypedDict` reads `NotRequired` from them at class creation.)
"""

from collections.abc import Mapping, Sequence
from typing import Literal, NotRequired, TypedDict

UrlMatchTypeParam = Literal["regex", "not_regex", "exact", "is_not", "icontains", "not_icontains"]


class TransformAttributeParam(TypedDict):
    """One attribute to set on the element (`TransformAttribute`)."""

    name: str
    value: str


class ControlTransformParam(TypedDict, total=False):
    """A page change of the control variant; `selector` optional (`ControlTransform`)."""

    selector: str
    text: str
    html: str
    imgUrl: str
    css: str
    attributes: Sequence[TransformAttributeParam]


class TransformParam(TypedDict):
    """A page change of a test variant, aimed at elements by `selector` (`Transform`)."""

    selector: str
    text: NotRequired[str]
    html: NotRequired[str]
    imgUrl: NotRequired[str]
    css: NotRequired[str]
    attributes: NotRequired[Sequence[TransformAttributeParam]]


class UtmConditionsParam(TypedDict, total=False):
    """UTM parameters the page URL must carry (`UtmConditions`)."""

    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str


class VariantConditionsParam(TypedDict, total=False):
    """Where the variant applies (`VariantConditions`); `None` instead means everywhere."""

    url: str
    urlMatchType: UrlMatchTypeParam
    utm: UtmConditionsParam


class ControlVariantParam(TypedDict):
    """The control variant (`ControlVariant`): a rollout share, transforms need no selector."""

    rollout_percentage: float
    transforms: NotRequired[Sequence[ControlTransformParam]]
    conditions: NotRequired[VariantConditionsParam | None]
    variant_name: NotRequired[str]
    is_new: NotRequired[bool]


class VariantParam(TypedDict):
    """A test variant (`Variant`): a rollout share, each transform with a `selector`."""

    rollout_percentage: float
    transforms: NotRequired[Sequence[TransformParam]]
    conditions: NotRequired[VariantConditionsParam | None]
    variant_name: NotRequired[str]
    is_new: NotRequired[bool]


# Variant name -> variant (`WebExperimentVariants`); `control` is required (checked by the
# server: a mapping type cannot require one key).
WebExperimentVariantsParam = Mapping[str, ControlVariantParam | VariantParam]


class WebExperimentCreateParams(TypedDict):
    """The body of a create request (`WebExperimentCreate`)."""

    name: str
    variants: WebExperimentVariantsParam


class WebExperimentUpdateParams(TypedDict):
    """The body of a replace (PUT) request (`WebExperimentUpdate`)."""

    name: str
    variants: WebExperimentVariantsParam
    created_at: NotRequired[str]


class WebExperimentPartialUpdateParams(TypedDict):
    """The body of a partial update (PATCH); PostHog still requires `variants`."""

    name: NotRequired[str]
    variants: WebExperimentVariantsParam
    created_at: NotRequired[str]

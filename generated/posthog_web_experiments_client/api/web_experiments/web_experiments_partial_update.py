from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.web_experiment import WebExperiment
from ...models.web_experiment_partial_update import WebExperimentPartialUpdate
from ...types import Response


def _get_kwargs(
    project_id: str,
    id: int,
    *,
    body: WebExperimentPartialUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/projects/{project_id}/web_experiments/{id}/".format(
            project_id=quote(str(project_id), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | WebExperiment | None:
    if response.status_code == 200:
        response_200 = WebExperiment.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | WebExperiment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    id: int,
    *,
    client: AuthenticatedClient,
    body: WebExperimentPartialUpdate,
) -> Response[Error | WebExperiment]:
    """Update a web experiment

     Updates the fields given. Unlike most PATCH endpoints, `variants` is required: the
    server answers 400 `Experiment does not have any variants` without it, so
    `{"name": "x"}` alone is rejected. Variants replace the old ones wholesale.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.
        body (WebExperimentPartialUpdate): The body of a partial update (PATCH) request;
            `variants` is still required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebExperiment]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    id: int,
    *,
    client: AuthenticatedClient,
    body: WebExperimentPartialUpdate,
) -> Error | WebExperiment | None:
    """Update a web experiment

     Updates the fields given. Unlike most PATCH endpoints, `variants` is required: the
    server answers 400 `Experiment does not have any variants` without it, so
    `{"name": "x"}` alone is rejected. Variants replace the old ones wholesale.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.
        body (WebExperimentPartialUpdate): The body of a partial update (PATCH) request;
            `variants` is still required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebExperiment
    """

    return sync_detailed(
        project_id=project_id,
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    id: int,
    *,
    client: AuthenticatedClient,
    body: WebExperimentPartialUpdate,
) -> Response[Error | WebExperiment]:
    """Update a web experiment

     Updates the fields given. Unlike most PATCH endpoints, `variants` is required: the
    server answers 400 `Experiment does not have any variants` without it, so
    `{"name": "x"}` alone is rejected. Variants replace the old ones wholesale.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.
        body (WebExperimentPartialUpdate): The body of a partial update (PATCH) request;
            `variants` is still required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebExperiment]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    id: int,
    *,
    client: AuthenticatedClient,
    body: WebExperimentPartialUpdate,
) -> Error | WebExperiment | None:
    """Update a web experiment

     Updates the fields given. Unlike most PATCH endpoints, `variants` is required: the
    server answers 400 `Experiment does not have any variants` without it, so
    `{"name": "x"}` alone is rejected. Variants replace the old ones wholesale.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.
        body (WebExperimentPartialUpdate): The body of a partial update (PATCH) request;
            `variants` is still required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebExperiment
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            id=id,
            client=client,
            body=body,
        )
    ).parsed

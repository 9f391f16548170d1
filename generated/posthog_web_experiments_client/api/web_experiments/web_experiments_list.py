from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.paginated_web_experiment_list import PaginatedWebExperimentList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: str,
    *,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/projects/{project_id}/web_experiments/".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PaginatedWebExperimentList | None:
    if response.status_code == 200:
        response_200 = PaginatedWebExperimentList.from_dict(response.json())

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
) -> Response[Error | PaginatedWebExperimentList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> Response[Error | PaginatedWebExperimentList]:
    """List web experiments

     The project's web experiments, newest `created_at` first, paginated by `limit` and
    `offset`. Out-of-range or non-integer values fall back to the defaults instead of
    failing. Experiments soft-deleted elsewhere in PostHog are hidden from the list but can
    still be retrieved by id.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        limit (int | Unset): Number of results per page (default 100). Zero, negative and non-
            integer values fall
            back to 100. A limit beyond 64 bits cannot reach the database: PostHog answers 500 once
            a page would be fetched (a server defect); the contract answers 400 on `limit`.
        offset (int | Unset): Index of the first result to return (default 0). Negative and non-
            integer values
            fall back to 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedWebExperimentList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        offset=offset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> Error | PaginatedWebExperimentList | None:
    """List web experiments

     The project's web experiments, newest `created_at` first, paginated by `limit` and
    `offset`. Out-of-range or non-integer values fall back to the defaults instead of
    failing. Experiments soft-deleted elsewhere in PostHog are hidden from the list but can
    still be retrieved by id.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        limit (int | Unset): Number of results per page (default 100). Zero, negative and non-
            integer values fall
            back to 100. A limit beyond 64 bits cannot reach the database: PostHog answers 500 once
            a page would be fetched (a server defect); the contract answers 400 on `limit`.
        offset (int | Unset): Index of the first result to return (default 0). Negative and non-
            integer values
            fall back to 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedWebExperimentList
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        limit=limit,
        offset=offset,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> Response[Error | PaginatedWebExperimentList]:
    """List web experiments

     The project's web experiments, newest `created_at` first, paginated by `limit` and
    `offset`. Out-of-range or non-integer values fall back to the defaults instead of
    failing. Experiments soft-deleted elsewhere in PostHog are hidden from the list but can
    still be retrieved by id.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        limit (int | Unset): Number of results per page (default 100). Zero, negative and non-
            integer values fall
            back to 100. A limit beyond 64 bits cannot reach the database: PostHog answers 500 once
            a page would be fetched (a server defect); the contract answers 400 on `limit`.
        offset (int | Unset): Index of the first result to return (default 0). Negative and non-
            integer values
            fall back to 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PaginatedWebExperimentList]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        offset=offset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
) -> Error | PaginatedWebExperimentList | None:
    """List web experiments

     The project's web experiments, newest `created_at` first, paginated by `limit` and
    `offset`. Out-of-range or non-integer values fall back to the defaults instead of
    failing. Experiments soft-deleted elsewhere in PostHog are hidden from the list but can
    still be retrieved by id.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        limit (int | Unset): Number of results per page (default 100). Zero, negative and non-
            integer values fall
            back to 100. A limit beyond 64 bits cannot reach the database: PostHog answers 500 once
            a page would be fetched (a server defect); the contract answers 400 on `limit`.
        offset (int | Unset): Index of the first result to return (default 0). Negative and non-
            integer values
            fall back to 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PaginatedWebExperimentList
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            offset=offset,
        )
    ).parsed

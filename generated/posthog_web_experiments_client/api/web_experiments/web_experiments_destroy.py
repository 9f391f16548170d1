from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    project_id: str,
    id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/projects/{project_id}/web_experiments/{id}/".format(
            project_id=quote(str(project_id), safe=""),
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | Error]:
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
) -> Response[Any | Error]:
    """Delete a web experiment

     Deletes the experiment for good: afterwards every operation on its id answers 404.
    The linked feature flag is kept.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
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
) -> Any | Error | None:
    """Delete a web experiment

     Deletes the experiment for good: afterwards every operation on its id answers 404.
    The linked feature flag is kept.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        project_id=project_id,
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    id: int,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Error]:
    """Delete a web experiment

     Deletes the experiment for good: afterwards every operation on its id answers 404.
    The linked feature flag is kept.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    id: int,
    *,
    client: AuthenticatedClient,
) -> Any | Error | None:
    """Delete a web experiment

     Deletes the experiment for good: afterwards every operation on its id answers 404.
    The linked feature flag is kept.

    Args:
        project_id (str): The project's numeric id, or `@current` for the key owner's current
            project.
        id (int): A unique integer value identifying this web experiment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            id=id,
            client=client,
        )
    ).parsed

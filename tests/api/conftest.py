"""Clients of the REST API acting as the personas, and a caller that sends their token."""

import datetime as dt
import json

import pytest
from django.test import Client

from konvergen.api.models import SCOPES
from konvergen.api.services import api_client_create

ALL_SCOPES = list(SCOPES)
BASE = "/api/v1"


class Api:
    """Calls the API with a client's bearer token (none for ``token=None``)."""

    def __init__(self, token: str | None):
        self.token = token
        self.http = Client()

    def _headers(self, headers: dict | None) -> dict:
        out = dict(headers or {})
        if self.token is not None:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.http.get(BASE + path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body: dict, headers: dict | None = None):
        return self.http.post(BASE + path, json.dumps(body, default=str),
                              content_type="application/json",
                              headers=self._headers(headers))

    def upload(self, path: str, data: dict, headers: dict | None = None):
        return self.http.post(BASE + path, data, headers=self._headers(headers))


@pytest.fixture
def api_for(personas):
    """``api_for(user, scopes=..., rate_limit=...)``: a new client of ``user`` and its caller."""

    def make(user, scopes=None, rate_limit: int = 1000, name: str = "integration"):
        client, token = api_client_create(name=name, user=user,
                                          scopes=ALL_SCOPES if scopes is None else scopes,
                                          rate_limit=rate_limit, acting_user=personas.admin)
        api = Api(token)
        api.client = client
        return api

    return make


@pytest.fixture
def programme(personas):
    from konvergen.programs.models import Programme

    return Programme.objects.create(
        code="sembako-daerah", name="Sembako Daerah", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=2025, year_end=2027,
    )


def yesterday() -> dt.date:
    """The local date before today (asked when used: a long run may cross midnight)."""
    from django.utils import timezone

    return timezone.localdate() - dt.timedelta(days=1)

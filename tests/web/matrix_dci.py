"""The DCI social registry API's rows of the permission matrix (see
``test_permission_matrix``). Its endpoints are not session pages: a message is authenticated
by its own signature (``konvergen.dci``), so every persona, signed in or not, posting
without a signed DCI envelope gets the specification's error (HTTP 4xx, ``errors`` with an
``err.*`` code), and GET is not allowed (405). ``"dci"`` marks such rows."""

SIGNED_ONLY = "dci"

MATRIX: dict = {}
POST_MATRIX: dict = {
    "dci:sync-search": ({}, SIGNED_ONLY),
    "dci:sync-txn-status": ({}, SIGNED_ONLY),
}
NOT_GET: set = {"dci:sync-search", "dci:sync-txn-status"}


def rejects_unsigned(response) -> bool:
    """The answer to an unsigned post: a DCI error, never a page or a redirect."""
    if response.status_code not in (400, 401) or response["Content-Type"] != "application/json":
        return False
    body = response.json()
    return (body["errors"][0]["code"].startswith("err.")
            and body["message"]["ack_status"] == "ERR")

"""The targets app's rows of the permission matrix (see ``test_permission_matrix``): GET rows
(url name -> (kwargs, roles that get HTTP 200)), POST rows (roles whose request gets through
the access check, or ``"405"``), POST-only names, and the objects their kwargs name."""

MATRIX: dict = {}
POST_MATRIX: dict = {}
NOT_GET: set = set()


def matrix_objects(personas, tmp_path) -> dict:
    """Objects the rows' kwargs name (placeholder string -> primary key)."""
    return {}

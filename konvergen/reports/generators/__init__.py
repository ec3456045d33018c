"""The named generators of LP2KD blocks (indicator tables, charts, maps, generated tables).

``GENERATORS`` maps each name to its block kind, label and build function; the modules
below register themselves on import. See ``docs/lp2kd.md`` for each generator's sources and
how to add one.
"""

from konvergen.reports.generators import convergence, governance, implementation, profile
from konvergen.reports.generators.base import GENERATORS, Context, Generator

__all__ = ["GENERATORS", "Context", "Generator", "convergence", "governance",
           "implementation", "profile"]

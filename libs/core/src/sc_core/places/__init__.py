"""The place directory: where each household lives and which grid each building is in,
projected from identity's events (``identity.events.v1``), written once for every service.

identity owns the community -> building -> unit -> room register, households and grids;
other services learn them from its events (every placement event carries the household's
:class:`~sc_contracts.events.Placement`, grants carry who holds which role where). A
service that needs them adds the tables to its metadata, creates them in a migration,
subscribes once, and asks the directory::

    # db/models.py
    PLACES = place_tables(metadata)                       # household_places, building_grids

    # db/migrations/versions/000N_places.py
    def upgrade() -> None:
        create_place_tables_v1()

    # main.py (composition)
    places = Places(PLACES)
    subscribe_places(runtime, places)                     # a consumer "places" on identity

    # a use case
    household = await places.household_in_room(uow, alarm.room_id)
    grid = await places.grid_for(uow, who.principal, building_id, STAFF)
    clause = places.scope_clause(who.principal, community_col=..., building_col=..., roles=STAFF)

Residents hold grants on their household, never on its community. Where a route declares
a community's resource shared with its residents (car parks and free spaces, tariffs), it
checks ``await places.ensure_readable(uow, who.principal, community_id=..., roles=STAFF)``:
the staff's grants, or a household grant on a household the directory places in that
community. ``ensure_household_in`` checks that a household named with a community lives
there (a household grant alone would let its holder name any community).

``place_tables(metadata, names=True)`` keeps the places' names too (identity's placement
events carry them; ``add_place_names_v1()`` in a migration): ``await
places.name_of(uow, community_id=..., room_id=...)`` and :func:`say` name a place in a
text as people say it, ``幸福里社区 3号楼2单元502室`` / ``Room 502, Unit 2, Building 3,
幸福里社区``.

A request may leave out the community (and a grid worker the grid) when the caller's
grants imply it: ``community_id = await places.default_community(uow, who.principal,
body.community_id, roles=STAFF | RESIDENT_ROLES)`` answers the one community or refuses
with 422 ``place.required`` / ``place.ambiguous`` naming the field and the choices;
``places.default_grid(...)`` fills a grid worker's grid from the building
(``sc_core.places.defaults``).

``place_tables(metadata, points=True)`` keeps the building's WGS-84 point and the community's
GB/T 2260 division code (``add_place_points_v1()``): care targets CAP warnings with them.

``place_tables(metadata, grants=True)`` adds ``grant_projection`` (who holds which role
over which place: recipients "every property_staff of community X" resolved locally).
"""

from sc_core.places.directory import RESIDENT_ROLES, HouseholdPlace, Places, subscribe_places
from sc_core.places.migrations import (
    add_place_names_v1,
    add_place_points_v1,
    create_building_grids_v1,
    create_grant_projection_v1,
    create_household_places_v1,
    create_place_tables_v1,
    drop_place_names_v1,
    drop_place_points_v1,
    drop_place_tables_v1,
)
from sc_core.places.tables import PlaceTables, place_tables
from sc_core.places.words import PlaceName, say, say_both

__all__ = [
    "RESIDENT_ROLES",
    "HouseholdPlace",
    "PlaceName",
    "PlaceTables",
    "Places",
    "add_place_names_v1",
    "add_place_points_v1",
    "create_building_grids_v1",
    "create_grant_projection_v1",
    "create_household_places_v1",
    "create_place_tables_v1",
    "drop_place_names_v1",
    "drop_place_points_v1",
    "drop_place_tables_v1",
    "place_tables",
    "say",
    "say_both",
    "subscribe_places",
]
